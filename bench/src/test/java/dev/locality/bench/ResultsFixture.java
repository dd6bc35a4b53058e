package dev.locality.bench;

import static dev.locality.bench.Json.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Results as the sections record them, with figures chosen by the test: 100 MiB of CSV (30 MiB
 * gzipped); every section's JSON holds just the fields the summary and the report read.
 */
final class ResultsFixture {
  static final long CSV = 100L << 20;
  static final long GZ = 30L << 20;

  /** The rows the pipeline's transform-csv stage writes. */
  static final long ROWS_OUT = 900_000;

  final ObjectNode results = JSON.createObjectNode();
  private final ArrayNode runs;

  ResultsFixture() {
    ObjectNode env = results.putObject("environment");
    env.put("date", "2026-01-02T03:04:05Z");
    env.put("command", "bench/run.sh --size 100MB");
    env.put("nproc", "2");
    env.put("memTotalGiB", "23");
    env.put("cpuModel", "Test CPU");
    env.put("workerJdk", "OpenJDK 17");
    env.put("harnessJdk", "OpenJDK 64-Bit Server VM 17");
    env.put("celRuntime", "standard runtime (JDK 17)");
    env.put("commit", "abc1234");
    ObjectNode data = results.putObject("data");
    data.put("file", "/tmp/bench-104857600.csv.gz");
    data.put("bytes", CSV);
    data.put("gzBytes", GZ);
    data.put("rows", 1_000_000);
    runs = results.putArray("runs");
  }

  /** A run of the limit section: the streaming pass and the raw steps, their times in ms. */
  ObjectNode limit(ObjectNode run, long stream, long transform) {
    ObjectNode l = run.putObject("limit");
    l.putObject("stream").put("millis", stream).put("peakRssKb", 100 * 1024);
    l.putObject("zcat").put("millis", 1000).put("bytesOut", CSV);
    l.putObject("download").put("millis", 500).put("bytesIn", GZ).put("bytesOut", GZ);
    l.putObject("gunzip").put("millis", 1000).put("bytesIn", GZ).put("bytesOut", CSV);
    l.putObject("transform").put("millis", transform).put("bytesIn", CSV);
    l.putObject("copy").put("millis", 250).put("bytesIn", 90L << 20);
    return l;
  }

  /** A run of the DuckDB section: the COPY's time (ms) and the rows it wrote. */
  ObjectNode duckdb(ObjectNode run, long millis, long rowsOut) {
    ObjectNode d = run.putObject("duckdb");
    d.put("version", "v1.4.4").put("threads", 2).put("memoryLimit", "18.3 GiB");
    d.put("millis", millis).put("connectMillis", 40).put("rowsOut", rowsOut);
    d.put("bytesOut", 90L << 20).put("peakRssKb", 770 * 1024);
    return d;
  }

  /** A run of the pipeline section: wall and transform-csv time (ms); the other stages fixed. */
  ObjectNode pipeline(ObjectNode run, long wall, long transform) {
    ObjectNode p = run.putObject("pipeline");
    p.putObject("history").put("wallMillis", wall);
    ArrayNode stages = ((ObjectNode) p.get("history")).putArray("stages");
    stage(stages, "download", 500);
    stage(stages, "decompress", 700);
    stage(stages, "transform-csv", transform);
    stage(stages, "upload", 300);
    ObjectNode cli = p.putObject("cli").put("status", "COMPLETED").put("cliWallMillis", wall + 900);
    ArrayNode metrics = cli.putArray("stages");
    metrics.addObject().put("type", "download").putObject("metrics").put("bytesOut", GZ);
    metrics.addObject().put("type", "decompress").putObject("metrics").put("bytesOut", CSV);
    metrics
        .addObject()
        .put("type", "transform-csv")
        .putObject("metrics")
        .put("bytesIn", GZ) // it reads the .gz (decompress materialize: false)
        .put("rowsOut", ROWS_OUT);
    metrics.addObject().put("type", "upload").putObject("metrics").put("bytesIn", 90L << 20);
    p.putObject("worker").put("peakRssKb", 300 * 1024).put("peakHeapUsedMb", 120);
    // the same pipeline with decompress materialize: true, decompress and transform in turn
    ObjectNode m = p.putObject("materialized");
    m.putObject("history").put("wallMillis", wall + 3000);
    ArrayNode mStages = ((ObjectNode) m.get("history")).putArray("stages");
    stage(mStages, "download", 500);
    stage(mStages, "decompress", 2700);
    stage(mStages, "transform-csv", transform + 1000);
    stage(mStages, "upload", 300);
    m.putObject("cli").put("status", "COMPLETED");
    return p;
  }

  private static void stage(ArrayNode stages, String type, long exec) {
    stages
        .addObject()
        .put("type", type)
        .put("execMillis", exec)
        .put("queueMillis", 2)
        .put("gapMillis", 18)
        .put("overheadMillis", 20);
  }

  /** A run of the kill section (heartbeat timeout 10 s). */
  ObjectNode kill(ObjectNode run, long wall, long workBeforeKill) {
    ObjectNode k = run.putObject("kill");
    k.put("heartbeatTimeoutMillis", 10_000);
    k.putObject("history").put("wallMillis", wall);
    k.putObject("parts")
        .put("workBeforeKillMillis", workBeforeKill)
        .put("detectionMillis", 10_000)
        .put("failoverToNewSessionMillis", 5_500)
        .put("rerunMillis", 6_000);
    return k;
  }

  /** A run of the no-affinity section: four hops of the given wall times (ms). */
  ObjectNode noAffinity(ObjectNode run, long... hopWalls) {
    ObjectNode n = run.putObject("noAffinity");
    ArrayNode hops = n.putArray("hops");
    long sum = 0;
    for (int i = 0; i < hopWalls.length; i++) {
      hops.addObject()
          .put("name", NoAffinitySection.HOPS.get(i))
          .putObject("history")
          .put("wallMillis", hopWalls[i]);
      sum += hopWalls[i];
    }
    n.put("wallMillis", sum);
    return n;
  }

  /** The small-pipelines section: sequential and concurrent batches. */
  ObjectNode small(double sequentialOverheadPerStage) {
    ObjectNode s = results.putObject("small");
    batch(s.putObject("sequential"), 20, 1, 2.5, 400, 700, sequentialOverheadPerStage);
    batch(s.putObject("concurrent"), 200, 8, 5.4, 1400, 2400, 73);
    return s;
  }

  private static void batch(
      ObjectNode b, int n, int concurrency, double perSecond, double p50, double p99, double ov) {
    b.put("pipelines", n).put("concurrency", concurrency).put("pipelinesPerSecond", perSecond);
    b.put("latencyP50Millis", p50).put("latencyP99Millis", p99);
    b.putObject("overhead")
        .put("perStageMedianMillis", ov)
        .put("perStageP99Millis", 67)
        .put("dispatchMedianMillis", 1)
        .put("handoffMedianMillis", 23)
        .put("sessionOpenMedianMillis", 48)
        .put("sessionCloseMedianMillis", 26);
  }

  /** A new entry of {@code runs}. */
  ObjectNode run() {
    int n = runs.size() + 1;
    return runs.addObject().put("run", n);
  }

  /** Adds the summary, as the harness does before its last write. */
  ObjectNode summarized() {
    results.set("summary", Summary.of(results));
    return results;
  }
}
