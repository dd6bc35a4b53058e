package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Json.lastJsonLine;
import static dev.locality.bench.Log.log;
import static dev.locality.bench.Stats.mibPerSec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section (1), the limit: one plain Java process ({@link LimitPass}) doing the whole pipeline in
 * one streaming pass without Temporal; {@code zcat | wc -l}; and each step alone as a file-to-file
 * pass (download, gunzip, transform, copy + fsync), the raw rate each stage is compared with.
 */
final class LimitSection {
  private final BenchContext ctx;

  LimitSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  ObjectNode run(int r) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    Path dir = Files.createDirectories(ctx.work.resolve("limit-" + r));
    String url = ctx.origin.url(ctx.dataFile());
    log("(1) limit: one JVM, download -> gunzip -> Commons CSV -> file, one streaming pass");
    out.set("stream", pass("stream", url, dir.resolve("stream-out.csv"), "stream-" + r));
    Files.deleteIfExists(dir.resolve("stream-out.csv"));
    log("(1) zcat | wc -l");
    long t0 = System.nanoTime();
    Process zcat =
        new ProcessBuilder("bash", "-c", "zcat '" + ctx.dataFile() + "' | wc -l")
            .redirectErrorStream(true)
            .start();
    String lines = new String(zcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    zcat.waitFor();
    ObjectNode z = out.putObject("zcat");
    z.put("millis", (System.nanoTime() - t0) / 1_000_000);
    z.put("lines", Long.parseLong(lines));
    z.put("bytesOut", ctx.csvBytes());
    log("(1) raw steps: download, gunzip, transform, copy (each a file-to-file pass)");
    Path gz = dir.resolve("raw.csv.gz");
    Path csv = dir.resolve("raw.csv");
    Path transformed = dir.resolve("raw-out.csv");
    Path copied = dir.resolve("raw-copy.csv");
    out.set("download", pass("download", url, gz, "download-" + r));
    out.set("gunzip", pass("gunzip", gz.toString(), csv, "gunzip-" + r));
    Files.deleteIfExists(gz);
    out.set("transform", pass("transform", csv.toString(), transformed, "transform-" + r));
    Files.deleteIfExists(csv);
    out.set("copy", pass("copy", transformed.toString(), copied, "copy-" + r));
    Dirs.deleteTree(dir);
    return out;
  }

  /** One {@link LimitPass} process ({@code -Xmx256m}, the workers' JDK); its JSON line. */
  private ObjectNode pass(String mode, String in, Path outFile, String tag) throws Exception {
    Options o = ctx.options;
    List<String> cmd = new ArrayList<>();
    cmd.add(o.workerJava());
    cmd.add("-Xmx256m");
    if (o.jfr && (mode.equals("stream") || mode.equals("transform"))) {
      cmd.add(Jfr.option(o.out, "limit-" + tag));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LimitPass.class.getName()));
    cmd.addAll(List.of(mode, in, outFile.toString()));
    if (o.warmUp) cmd.add(ctx.origin.url(ctx.smallDataFile()));
    Proc p = Proc.start("limit-" + tag, cmd, Map.of(), ctx.work);
    int rc = p.process.waitFor();
    String stdout = Files.readString(p.stdout);
    if (rc != 0) throw new IllegalStateException("LimitPass " + mode + " failed: " + p.tail());
    ObjectNode node = (ObjectNode) JSON.readTree(lastJsonLine(stdout));
    long bytes = mode.equals("stream") ? ctx.csvBytes() : rateBytes(mode, node);
    log(
        "    %-9s %7.2f s  %8.1f MiB/s%s",
        mode,
        node.get("millis").asLong() / 1000.0,
        mibPerSec(bytes, node.get("millis").asLong()),
        node.has("peakRssKb")
            ? "  peak RSS " + node.get("peakRssKb").asLong() / 1024 + " MiB"
            : "");
    return node;
  }

  /**
   * The bytes a raw step's rate is quoted in: gunzip its output (CSV), the others their input
   * (stream: the caller uses the CSV size instead).
   */
  static long rateBytes(String mode, JsonNode node) {
    return switch (mode) {
      case "gunzip" -> node.get("bytesOut").asLong();
      default -> node.get("bytesIn").asLong();
    };
  }
}
