package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;
import static dev.locality.bench.Stats.MIB;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.stage.Durations;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Section (3): the pipeline of (2) with two workers; once transform-csv has run half as long as it
 * took in (2), its worker gets SIGKILL. Reported: the extra time and its parts (work before the
 * kill, detection, failover to a new session, the re-run on the other worker).
 */
final class KillSection {
  private static final String HEARTBEAT = "10s";

  private final BenchContext ctx;

  KillSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  /**
   * @param pipeline this run's section (2) result, or null: its transform-csv time decides when to
   *     kill (without it, an estimate at 30 MiB/s)
   */
  ObjectNode run(int r, JsonNode pipeline) throws Exception {
    log("(3) Locality: worker killed (SIGKILL) mid-transform, two workers");
    String queue = ctx.workers.queue("kill");
    Map<String, Proc> workers = new LinkedHashMap<>();
    workers.put("w1", ctx.workers.start("w1", queue, 1, Map.of(), "kill-" + r + "-w1"));
    workers.put("w2", ctx.workers.start("w2", queue, 1, Map.of(), "kill-" + r + "-w2"));
    Path outDir = Files.createDirectories(ctx.work.resolve("out-kill-" + r));
    Path spec =
        ctx.specs.write(
            "bench-kill", Specs.pipelineStages(ctx.origin.url(ctx.dataFile()), outDir), HEARTBEAT);
    JsonNode warm = WarmUp.run(ctx, queue, outDir, workers.size());
    log("    warm-up pipelines ran on %s", warm.path("workers"));
    long transformMillis = -1;
    if (pipeline != null) {
      for (JsonNode s : pipeline.get("history").get("stages")) {
        if (s.get("type").asText().equals("transform-csv"))
          transformMillis = s.get("execMillis").asLong();
      }
    }
    // without the pipeline section in this run: the byte lane's rate on a 2-core machine (the kill
    // then lands half-way through transform-csv, not after the pipeline ended)
    if (transformMillis < 0) transformMillis = (long) (ctx.csvBytes() / (150 * MIB) * 1000);
    long killAfter = Math.max(200, transformMillis / 2);
    String id = "bench-kill-r" + r + "-" + System.currentTimeMillis();
    CliRun cli = CliRun.start(ctx, spec, id, queue);
    // watch the workflow: once transform-csv has run killAfter ms, SIGKILL its worker
    long killAt = -1;
    String killed = null;
    long deadline = System.currentTimeMillis() + 30 * 60_000L;
    while (killAt < 0 && System.currentTimeMillis() < deadline && cli.process.isAlive()) {
      PendingActivityInfo transform = ctx.temporal.startedActivity(id, "transform-csv");
      if (transform != null && transform.hasLastStartedTime()) {
        long startedAt = History.millis(transform.getLastStartedTime());
        if (System.currentTimeMillis() - startedAt >= killAfter) {
          killed = workerOf(transform.getLastWorkerIdentity(), workers);
          Proc victim = workers.get(killed);
          victim.kill();
          killAt = System.currentTimeMillis();
          log(
              "    killed %s (pid %d) %d ms into transform-csv",
              killed, victim.pid(), killAt - startedAt);
        }
      }
      Thread.sleep(50);
    }
    cli.await();
    ObjectNode out = JSON.createObjectNode();
    out.set("cli", cli.json);
    out.put("heartbeatTimeoutMillis", Durations.parse(HEARTBEAT).toMillis());
    out.put("killAfterTransformMillis", killAfter);
    out.put("killedWorker", killed);
    out.put("killAtMillis", killAt);
    ObjectNode history = ctx.temporal.history(id);
    out.set("history", history);
    // parts of the extra time, from the sessions the pipeline reports
    JsonNode sessions = cli.json.get("sessions");
    long start = history.get("startedAtMillis").asLong();
    long end = history.get("closedAtMillis").asLong();
    if (sessions != null && sessions.size() >= 2 && killAt > 0) {
      JsonNode first = sessions.get(0);
      JsonNode second = sessions.get(sessions.size() - 1);
      long failedAt = first.get("closedAtMillis").asLong();
      long reopenedAt = second.get("openedAtMillis").asLong();
      ObjectNode parts = out.putObject("parts");
      parts.put("workBeforeKillMillis", killAt - start);
      parts.put("detectionMillis", failedAt - killAt);
      parts.put("failoverToNewSessionMillis", reopenedAt - failedAt);
      parts.put("rerunMillis", end - reopenedAt);
      parts.put("firstSessionFailure", first.path("failure").asText());
      parts.put("secondWorker", second.path("workerId").asText());
      log(
          "    wall %.2f s: work before kill %.2f s, detection %.2f s, failover %.2f s, re-run %.2f"
              + " s",
          (end - start) / 1000.0,
          (killAt - start) / 1000.0,
          (failedAt - killAt) / 1000.0,
          (reopenedAt - failedAt) / 1000.0,
          (end - reopenedAt) / 1000.0);
    } else {
      log("    no failover recorded (sessions: %s)", sessions);
    }
    ObjectNode survivors = out.putObject("workers");
    for (Map.Entry<String, Proc> w : workers.entrySet()) {
      if (!w.getKey().equals(killed)) survivors.set(w.getKey(), ctx.workers.stop(w.getValue()));
    }
    Dirs.deleteTree(outDir);
    return out;
  }

  /** The worker that runs an activity, from its worker identity ("pid@workerId"). */
  static String workerOf(String identity, Map<String, Proc> workers) {
    for (Map.Entry<String, Proc> w : workers.entrySet()) {
      if (identity.equals(w.getValue().pid() + "@" + w.getKey())
          || identity.endsWith("@" + w.getKey())) {
        return w.getKey();
      }
    }
    throw new IllegalStateException(
        "cannot tell which worker runs transform-csv: identity '" + identity + "'");
  }
}
