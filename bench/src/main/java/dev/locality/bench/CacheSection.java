package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section {@code cache}: {@value #PIPELINES} pipelines over the same input (a {@code download} of
 * the measured file from the HTTP origin, {@code cache: true}) on 2 workers, {@value #IN_FLIGHT} in
 * flight at a time, once with the workers' download cache off and once on ({@code --cache-size}
 * twice the file): the bytes the origin sent, the GET and HEAD requests it answered, the total wall
 * time, and the workers the pipelines ran on. With the cache on, the first pipeline of each worker
 * that gets one before the registry knows the holder downloads; later ones are offered to the
 * holder (delay scheduling) and take the file from its cache.
 */
final class CacheSection {
  static final int PIPELINES = 20;
  static final int IN_FLIGHT = 2;

  private final BenchContext ctx;

  CacheSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  ObjectNode run(int r) throws Exception {
    log(
        "(cache) %d pipelines over the same input on 2 workers, %d at a time, cache off then on",
        PIPELINES, IN_FLIGHT);
    ObjectNode out = JSON.createObjectNode();
    out.put("pipelines", PIPELINES);
    out.put("inFlight", IN_FLIGHT);
    out.put("inputBytes", java.nio.file.Files.size(ctx.dataFile()));
    out.set("off", variant(r, false));
    out.set("on", variant(r, true));
    double off = out.get("off").get("wallMillis").asDouble();
    double on = out.get("on").get("wallMillis").asDouble();
    out.put("speedup", on > 0 ? off / on : 0);
    return out;
  }

  private ObjectNode variant(int r, boolean cache) throws Exception {
    String tag = (cache ? "cache-on-" : "cache-off-") + r;
    String queue = ctx.workers.queue(tag);
    long fileBytes = java.nio.file.Files.size(ctx.dataFile());
    Map<String, String> settings =
        cache ? Map.of("downloadCacheSize", Long.toString(2 * fileBytes)) : Map.of();
    Proc w1 = ctx.workers.start("c1", queue, 4, settings, tag + "-w1");
    Proc w2 = ctx.workers.start("c2", queue, 4, settings, tag + "-w2");
    Path spec =
        ctx.specs.write(
            tag,
            List.of(Specs.stage("download", "url", ctx.origin.url(ctx.dataFile()), "cache", true)),
            "10s");
    Origin.Counts before = ctx.origin.counts();
    long started = System.nanoTime();
    List<CliRun> running = new ArrayList<>();
    ObjectNode result = JSON.createObjectNode();
    ArrayNode workers = result.putArray("workers");
    for (int i = 0; i < PIPELINES; i++) {
      if (running.size() >= IN_FLIGHT) finish(running.remove(0), workers);
      running.add(CliRun.start(ctx, spec, tag + "-" + i + "-" + System.nanoTime(), queue));
    }
    for (CliRun run : running) finish(run, workers);
    long wall = (System.nanoTime() - started) / 1_000_000;
    Origin.Counts after = ctx.origin.counts();
    result.put("wallMillis", wall);
    result.put("originBodyBytes", after.bodyBytes() - before.bodyBytes());
    result.put("originGets", after.gets() - before.gets());
    result.put("originHeads", after.heads() - before.heads());
    result.put(
        "inputsServedByOrigin", (double) (after.bodyBytes() - before.bodyBytes()) / fileBytes);
    ctx.workers.stop(w1);
    ctx.workers.stop(w2);
    log(
        "    cache %-3s  %7.2f s  origin sent %,d bytes (%d GETs, %d HEADs)",
        cache ? "on" : "off",
        wall / 1000.0,
        result.get("originBodyBytes").asLong(),
        result.get("originGets").asLong(),
        result.get("originHeads").asLong());
    return result;
  }

  private static void finish(CliRun run, ArrayNode workers) throws Exception {
    run.await();
    if (!"COMPLETED".equals(run.json.path("status").asText())) {
      throw new IllegalStateException("cache pipeline did not complete: " + run.json);
    }
    workers.add(run.json.path("workerId").asText());
  }
}
