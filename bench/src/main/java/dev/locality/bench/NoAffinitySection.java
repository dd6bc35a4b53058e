package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section (4), no affinity: one pipeline per stage, each reading its input from and writing its
 * output to S3Proxy on loopback ({@code download(http) → upload(s3)}, {@code download(s3) →
 * decompress → upload(s3)}, {@code download(s3) → transform-csv → upload(s3)}, {@code download(s3)
 * → upload(file)}): what any-worker-runs-any-stage costs.
 */
final class NoAffinitySection {
  static final List<String> HOPS =
      List.of("noaff-download", "noaff-decompress", "noaff-transform", "noaff-upload");

  private final BenchContext ctx;

  NoAffinitySection(BenchContext ctx) {
    this.ctx = ctx;
  }

  ObjectNode run(int r) throws Exception {
    log(
        "(4) no affinity: one pipeline per stage, every hop through S3 (S3Proxy, filesystem"
            + " store)");
    ctx.s3.startOnce();
    String queue = ctx.workers.queue("noaff");
    Map<String, String> s3Settings =
        Map.of(
            "s3Endpoint", "http://127.0.0.1:" + ctx.s3.port(),
            "s3PathStyle", "true",
            "s3Region", "us-east-1");
    Proc worker = ctx.workers.start("w1", queue, 1, s3Settings, "noaff-" + r);
    Path outDir = Files.createDirectories(ctx.work.resolve("out-noaff-" + r));
    WarmUp.run(ctx, queue, outDir);
    String prefix = "s3://bench/run" + r + "-" + System.currentTimeMillis();
    ObjectNode out = JSON.createObjectNode();
    ArrayNode hops = out.putArray("hops");
    String current = ctx.origin.url(ctx.dataFile());
    List<List<Map<String, Object>>> middle =
        List.of(
            List.of(),
            List.of(Specs.stage("decompress", "format", "gzip")),
            List.of(Specs.transformStage()),
            List.of());
    long wall = 0;
    for (int i = 0; i < HOPS.size(); i++) {
      String name = HOPS.get(i);
      List<Map<String, Object>> specStages = new ArrayList<>();
      specStages.add(Specs.stage("download", "url", current));
      specStages.addAll(middle.get(i));
      String to =
          i == HOPS.size() - 1
              ? "file://" + outDir.toAbsolutePath() + "/{name}/{runId}/{file}"
              : prefix + "/hop" + (i + 1) + "/{file}";
      specStages.add(Specs.stage("upload", "to", to));
      Path spec = ctx.specs.write(name, specStages, "10s");
      CliRun cli = CliRun.run(ctx, spec, name + "-r" + r + "-" + System.currentTimeMillis(), queue);
      ObjectNode hop = hops.addObject();
      hop.put("name", name);
      hop.set("cli", cli.json);
      ObjectNode history = ctx.temporal.history(cli.workflowId);
      hop.set("history", history);
      wall += history.get("wallMillis").asLong();
      if (!"COMPLETED".equals(cli.json.path("status").asText())) {
        throw new IllegalStateException(name + " did not complete: " + cli.json);
      }
      String next = null;
      for (JsonNode uri : cli.json.get("outputUris")) {
        if (!uri.asText().contains(".rejects.")) next = uri.asText();
      }
      log("    %-17s %7.2f s  -> %s", name, history.get("wallMillis").asLong() / 1000.0, next);
      current = next;
    }
    out.put("wallMillis", wall);
    out.set("worker", ctx.workers.stop(worker));
    Dirs.deleteTree(outDir);
    Dirs.deleteTree(ctx.s3.store());
    Files.createDirectories(ctx.s3.store().resolve("bench"));
    return out;
  }
}
