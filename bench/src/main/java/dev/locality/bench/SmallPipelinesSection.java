package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;
import static dev.locality.bench.Stats.median;
import static dev.locality.bench.Stats.percentile;
import static dev.locality.bench.Stats.sorted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Section (5), many small pipelines: two workers with {@code --small-sessions} sessions each; first
 * {@code --small-sequential} pipelines one at a time (latency and the orchestration overhead per
 * stage without contention), then {@code --small-count} with {@code --small-concurrency} in flight
 * (pipelines/s, p50/p99 latency). Pipelines start through the client, not the CLI.
 */
final class SmallPipelinesSection {
  private final BenchContext ctx;

  SmallPipelinesSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  ObjectNode run() throws Exception {
    Options o = ctx.options;
    log(
        "(5) small pipelines: %d x %s over 2 workers (%d sequential first, then concurrency %d)",
        o.smallCount, o.smallSizeText, o.smallSequential, o.smallConcurrency);
    String queue = ctx.workers.queue("small");
    Proc w1 = ctx.workers.start("w1", queue, o.smallSessions, Map.of(), "small-w1");
    Proc w2 = ctx.workers.start("w2", queue, o.smallSessions, Map.of(), "small-w2");
    Path outDir = Files.createDirectories(ctx.work.resolve("out-small"));
    PipelineSpec spec =
        ctx.specs.writeAndParse("bench-small", ctx.origin.url(ctx.smallDataFile()), outDir);
    ObjectNode out = JSON.createObjectNode();
    out.put("workers", 2);
    out.put("sessionsPerWorker", o.smallSessions);
    out.set("warmUp", WarmUp.run(ctx, queue, outDir, 2 * o.smallSessions));
    List<Proc> workers = List.of(w1, w2);
    if (o.smallWarmUp > 0) {
      log("    warming the workers up with %d pipelines (not measured)", o.smallWarmUp);
      out.set(
          "warmUpBatch", batch(spec, queue, workers, "warm", o.smallWarmUp, o.smallConcurrency));
    }
    out.set("sequential", batch(spec, queue, workers, "seq", o.smallSequential, 1));
    out.set("concurrent", batch(spec, queue, workers, "load", o.smallCount, o.smallConcurrency));
    ObjectNode stopped = out.putObject("workerProcesses");
    stopped.set("w1", ctx.workers.stop(w1));
    stopped.set("w2", ctx.workers.stop(w2));
    Dirs.deleteTree(outDir);
    return out;
  }

  /** {@code count} pipelines, {@code concurrency} at a time; throughput, latency and overhead. */
  private ObjectNode batch(
      PipelineSpec spec, String queue, List<Proc> workers, String tag, int count, int concurrency)
      throws Exception {
    if (count <= 0) return JSON.createObjectNode();
    WorkflowClient client = ctx.temporal.client;
    AtomicInteger next = new AtomicInteger();
    ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    String base = "bench-small-" + tag + "-" + System.currentTimeMillis() + "-";
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long[] cpu0 = cpuMillis(workers);
    long t0 = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                  String id = base + i;
                  PipelineWorkflow wf =
                      client.newWorkflowStub(
                          PipelineWorkflow.class,
                          WorkflowOptions.newBuilder()
                              .setWorkflowId(id)
                              .setTaskQueue(queue)
                              .build());
                  long s = System.nanoTime();
                  try {
                    WorkflowClient.start(wf::run, SpecDocument.of(spec));
                    WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
                    latencies.add(new long[] {i, System.nanoTime() - s});
                    ids.add(id);
                  } catch (RuntimeException e) {
                    failures.add(id + ": " + e);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) f.get();
    pool.shutdown();
    long elapsed = System.nanoTime() - t0;
    long[] cpu1 = cpuMillis(workers);
    List<Double> lat = latencies.stream().map(l -> l[1] / 1e6).sorted().toList();
    ObjectNode out = JSON.createObjectNode();
    out.put("pipelines", count);
    out.put("concurrency", concurrency);
    out.put("completed", lat.size());
    out.put("failed", failures.size());
    if (!failures.isEmpty())
      out.set("failures", JSON.valueToTree(failures.stream().limit(5).toList()));
    out.put("elapsedMillis", elapsed / 1_000_000);
    out.put("pipelinesPerSecond", lat.size() / (elapsed / 1e9));
    out.put("latencyP50Millis", percentile(lat, 50));
    out.put("latencyP99Millis", percentile(lat, 99));
    out.put("latencyMaxMillis", lat.isEmpty() ? 0 : lat.get(lat.size() - 1));
    ObjectNode cpu = out.putObject("cpuMillisPerPipeline");
    double n = Math.max(1, lat.size());
    cpu.put("server", (cpu1[0] - cpu0[0]) / n);
    cpu.put("workers", (cpu1[1] - cpu0[1]) / n);
    cpu.put("client", (cpu1[2] - cpu0[2]) / n);
    cpu.put("total", (cpu1[3] - cpu0[3]) / n);
    cpu.put("workersJit", (cpu1[4] - cpu0[4]) / n);
    cpu.put("serverJit", (cpu1[5] - cpu0[5]) / n);
    // orchestration overhead from the server's history of each pipeline
    List<Double> perStage = new ArrayList<>();
    List<Double> queueMs = new ArrayList<>();
    List<Double> gapMs = new ArrayList<>();
    List<Double> open = new ArrayList<>();
    List<Double> close = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Double> exec = new ArrayList<>();
    List<Double> inclusive = new ArrayList<>();
    List<Double> events = new ArrayList<>();
    List<Double> workflowTasks = new ArrayList<>();
    List<Double> historyBytes = new ArrayList<>();
    JsonNode eventCounts = null;
    for (String id : ids) {
      ObjectNode h = ctx.temporal.history(id);
      events.add(h.get("events").asDouble());
      workflowTasks.add(h.get("workflowTasks").asDouble());
      historyBytes.add(h.get("historyBytes").asDouble());
      if (eventCounts == null) {
        eventCounts = h.get("eventCounts");
        out.set("eventSequenceOfFirst", h.get("eventSequence"));
      }
      wall.add(h.get("wallMillis").asDouble());
      open.add(h.get("sessionOpenMillis").asDouble());
      close.add(h.get("closeMillis").asDouble());
      double execSum = 0;
      for (JsonNode s : h.get("stages")) {
        perStage.add(s.get("overheadMillis").asDouble());
        queueMs.add(s.get("queueMillis").asDouble());
        gapMs.add(s.get("gapMillis").asDouble());
        execSum += s.get("execMillis").asDouble();
      }
      exec.add(execSum);
      inclusive.add((h.get("wallMillis").asDouble() - execSum) / h.get("stages").size());
    }
    ObjectNode overhead = out.putObject("overhead");
    overhead.put("perStageMedianMillis", median(perStage));
    overhead.put("perStageP99Millis", percentile(sorted(perStage), 99));
    overhead.put("dispatchMedianMillis", median(queueMs));
    overhead.put("handoffMedianMillis", median(gapMs));
    overhead.put("sessionOpenMedianMillis", median(open));
    overhead.put("sessionCloseMedianMillis", median(close));
    overhead.put("workflowWallMedianMillis", median(wall));
    overhead.put("stageExecSumMedianMillis", median(exec));
    overhead.put("inclusivePerStageMedianMillis", median(inclusive));
    overhead.put("eventsMedian", median(events));
    overhead.put("workflowTasksMedian", median(workflowTasks));
    overhead.put("historyBytesMedian", median(historyBytes));
    if (eventCounts != null) overhead.set("eventCountsOfFirst", eventCounts);
    log(
        "    %s: %d/%d completed in %.1f s: %.2f pipelines/s, latency p50 %.0f ms p99 %.0f ms;"
            + " overhead per stage median %.1f ms (dispatch %.1f + hand-off %.1f), session open"
            + " %.0f ms, close %.0f ms; CPU ms per pipeline: server %.0f (JIT %.0f), workers %.0f"
            + " (JIT %.0f), client %.0f (total %.0f); events %.0f (%.0f bytes), workflow tasks %.0f per pipeline (median)",
        tag,
        lat.size(),
        count,
        elapsed / 1e9,
        out.get("pipelinesPerSecond").asDouble(),
        out.get("latencyP50Millis").asDouble(),
        out.get("latencyP99Millis").asDouble(),
        median(perStage),
        median(queueMs),
        median(gapMs),
        median(open),
        median(close),
        cpu.get("server").asDouble(),
        cpu.get("serverJit").asDouble(),
        cpu.get("workers").asDouble(),
        cpu.get("workersJit").asDouble(),
        cpu.get("client").asDouble(),
        cpu.get("total").asDouble(),
        median(events),
        median(historyBytes),
        median(workflowTasks));
    return out;
  }

  /**
   * CPU ms used so far by the server, the workers (summed) and this client, their total, the
   * workers' JIT compiler threads (part of the workers') and the server's. A difference of two
   * samples is the batch's cost, which depends far less than wall time on how busy the shared
   * machine was (contention still inflates it: compare interleaved runs).
   */
  private long[] cpuMillis(List<Proc> workers) {
    long server = CpuTime.millis(ctx.temporal.process.pid());
    long w = 0;
    for (Proc p : workers) w += CpuTime.millis(p.pid());
    long client = CpuTime.self();
    long jit = 0;
    for (Proc p : workers) jit += CpuTime.jitMillis(p.pid());
    long serverJit = CpuTime.jitMillis(ctx.temporal.process.pid());
    return new long[] {server, w, client, server + w + client, jit, serverJit};
  }
}
