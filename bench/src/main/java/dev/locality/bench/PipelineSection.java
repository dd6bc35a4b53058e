package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Section (2): the benchmark pipeline (download, decompress with {@code materialize: false},
 * transform-csv, upload to {@code file:}) through {@code locality run} on one worker: wall time,
 * each stage's time, the worker's peak RSS and heap; then, on the same worker, the same pipeline
 * with {@code materialize: true} ({@code materialized}: the decompressed CSV written to disk and
 * read back, decompress and transform one after the other), for what the overlap saves.
 */
final class PipelineSection {
  private final BenchContext ctx;

  PipelineSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  ObjectNode run(int r) throws Exception {
    log("(2) Locality: one pipeline on one worker (-Xmx256m)");
    String queue = ctx.workers.queue("pipeline");
    Proc worker = ctx.workers.start("w1", queue, 1, Map.of(), "pipeline-" + r);
    Path outDir = Files.createDirectories(ctx.work.resolve("out-pipeline-" + r));
    Path spec =
        ctx.specs.write(
            "bench-pipeline", Specs.pipelineStages(ctx.origin.url(ctx.dataFile()), outDir), "10s");
    ObjectNode out = JSON.createObjectNode();
    out.set("warmUp", WarmUp.run(ctx, queue, outDir));
    CliRun cli =
        CliRun.run(ctx, spec, "bench-pipeline-r" + r + "-" + System.currentTimeMillis(), queue);
    out.set("cli", cli.json);
    out.set("history", ctx.temporal.history(cli.workflowId));
    Path materializedSpec =
        ctx.specs.write(
            "bench-pipeline-materialized",
            Specs.pipelineStages(ctx.origin.url(ctx.dataFile()), outDir, true),
            "10s");
    CliRun materialized =
        CliRun.run(
            ctx,
            materializedSpec,
            "bench-pipeline-materialized-r" + r + "-" + System.currentTimeMillis(),
            queue);
    ObjectNode m = out.putObject("materialized");
    m.set("cli", materialized.json);
    m.set("history", ctx.temporal.history(materialized.workflowId));
    out.set("worker", ctx.workers.stop(worker));
    log("    decompress materialize: false (measured):");
    logPipeline(out);
    log("    decompress materialize: true (for comparison):");
    logStages(m.get("history"), m.get("cli"));
    Dirs.deleteTree(outDir);
    return out;
  }

  private static void logPipeline(ObjectNode p) {
    logStages(p.get("history"), p.get("cli"));
    JsonNode w = p.get("worker");
    if (w != null) {
      log(
          "    worker peak RSS %d MiB, peak heap used %d MiB (max committed %d MiB)",
          w.get("peakRssKb").asLong() / 1024,
          w.path("peakHeapUsedMb").asLong(),
          w.path("maxHeapCommittedMb").asLong());
    }
  }

  private static void logStages(JsonNode h, JsonNode cli) {
    log(
        "    wall %.2f s, status %s",
        h.get("wallMillis").asLong() / 1000.0, cli.get("status").asText());
    for (JsonNode s : h.get("stages")) {
      log(
          "    %-14s exec %7.2f s  queue %4d ms  gap %4d ms",
          s.get("type").asText(),
          s.get("execMillis").asLong() / 1000.0,
          s.get("queueMillis").asLong(),
          s.get("gapMillis").asLong());
    }
    log("    decompress + transform-csv %.2f s", Summary.decompressAndTransformMillis(h) / 1000.0);
  }
}
