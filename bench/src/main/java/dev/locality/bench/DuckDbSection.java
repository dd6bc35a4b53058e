package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Json.lastJsonLine;
import static dev.locality.bench.Log.log;
import static dev.locality.bench.Stats.mibPerSec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section (6), the peer: DuckDB's JDBC driver ({@link DuckDbPass}) in a JVM of its own, {@value
 * #THREADS} threads, running the benchmark's transform as one {@code COPY} from the same {@code
 * .csv.gz} to a CSV file: wall time of the COPY, MiB/s of uncompressed CSV (as the limit's
 * streaming pass counts them), peak RSS (VmHWM) and the rows written, which must equal the
 * pipeline's {@code rowsOut} of the same run ({@link Summary}).
 */
final class DuckDbSection {
  static final int THREADS = 2;

  private final BenchContext ctx;

  DuckDbSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  ObjectNode run(int r) throws Exception {
    Options o = ctx.options;
    Path dir = Files.createDirectories(ctx.work.resolve("duckdb-" + r));
    Path out = dir.resolve("duckdb-out.csv");
    log("(6) DuckDB (JDBC, %d threads): COPY (SELECT ... WHERE ...) from the same .gz", THREADS);
    List<String> cmd = new ArrayList<>();
    cmd.add(o.workerJava());
    cmd.add("-Xmx256m");
    cmd.addAll(
        List.of(
            "-cp",
            o.duckdbJar + File.pathSeparator + System.getProperty("java.class.path"),
            DuckDbPass.class.getName(),
            ctx.dataFile().toString(),
            out.toString(),
            "" + THREADS));
    if (o.warmUp) cmd.add(ctx.smallDataFile().toString());
    Proc p = Proc.start("duckdb-" + r, cmd, Map.of(), ctx.work);
    int rc = p.process.waitFor();
    if (rc != 0) throw new IllegalStateException("DuckDbPass failed: " + p.tail());
    ObjectNode node = (ObjectNode) JSON.readTree(lastJsonLine(Files.readString(p.stdout)));
    node.put("sql", DuckDbPass.copySql(ctx.dataFile(), out));
    node.put("processMillis", p.elapsedMillis());
    node.put("xmx", "256m");
    log(
        "    %s  %7.2f s  %8.1f MiB/s  peak RSS %d MiB  %,d rows out  (memory_limit %s)",
        node.get("version").asText(),
        node.get("millis").asLong() / 1000.0,
        mibPerSec(ctx.csvBytes(), node.get("millis").asLong()),
        node.get("peakRssKb").asLong() / 1024,
        node.get("rowsOut").asLong(),
        node.get("memoryLimit").asText());
    Dirs.deleteTree(dir);
    return node;
  }

  /**
   * The rows the pipeline wrote: {@code rowsOut} of its last stage that counts rows (the
   * transform-csv stage), -1 when none does.
   */
  static long pipelineRowsOut(JsonNode pipeline) {
    long rows = -1;
    if (pipeline == null) return rows;
    for (JsonNode st : pipeline.path("cli").path("stages")) {
      long n = st.path("metrics").path("rowsOut").asLong(-1);
      if (n >= 0) rows = n;
    }
    return rows;
  }
}
