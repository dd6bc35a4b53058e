package dev.locality.workflows.testing;

import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.Artifact;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import io.temporal.activity.Activity;
import io.temporal.activity.DynamicActivity;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of the stage dispatcher: any activity type, behaviour driven by the stage's options:
 * {@code rows} (metrics), {@code uri} (an output URI), {@code sourceVersion} (reported as the
 * stage's source version; no output when it equals {@code lastSourceVersion}, as a download with
 * {@code ifChanged} does), {@code fail: bad-input | transient}, and {@code dieOn: <workerId>}
 * (kills that worker when the stage starts there; {@code dieOnQueue: <unique queue>} kills only
 * that process of a worker id), {@code cutOffOn: <workerId>} (the stage runs there, heartbeating,
 * for half a second, then that worker goes silent as if cut off the network mid-stage), {@code
 * holdMs} (works that long, heartbeating, so a cancel or a drain finds it running).
 */
public final class FakeStages implements DynamicActivity {
  private final FakeWorker worker;
  private final List<StageInvocation> invocations = new CopyOnWriteArrayList<>();
  private volatile Runnable onDeath = () -> {};

  FakeStages(FakeWorker worker) {
    this.worker = worker;
  }

  /** Runs when a {@code dieOn} stage kills this worker (e.g. to start a replacement worker). */
  public void onDeath(Runnable onDeath) {
    this.onDeath = onDeath;
  }

  @Override
  public Object execute(EncodedValues args) {
    StageInvocation invocation = args.get(0, StageInvocation.class);
    String type = Activity.getExecutionContext().getInfo().getActivityType();
    invocations.add(invocation);
    Map<String, Object> options = invocation.stage().options();
    if (worker.workerId().equals(options.get("dieOn"))
        || worker.taskQueue().equals(options.get("dieOnQueue"))) {
      worker.kill();
      onDeath.run();
    }
    if (worker.workerId().equals(options.get("cutOffOn"))) {
      heartbeatFor(500);
      worker.kill();
      onDeath.run();
    }
    if (worker.isDead()) {
      worker.hangWhileDead();
      throw new IllegalStateException("dead worker released at the end of the test");
    }
    if (options.get("holdMs") instanceof Number hold) {
      heartbeatFor(hold.longValue());
    }
    Object fail = options.get("fail");
    if ("bad-input".equals(fail)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "column 'stat' is unknown", Failures.BAD_INPUT);
    }
    if ("transient".equals(fail)) {
      throw ApplicationFailure.newFailure("disk full", "java.io.IOException");
    }
    if (options.get("sourceVersion") instanceof String version) {
      // a download with ifChanged: nothing when given the version it finds
      if (version.equals(options.get("lastSourceVersion"))) {
        return StageResult.of(List.of(), new StageMetrics(0, 0, 0, 0, 0, 0))
            .withSourceVersion(version);
      }
      Artifact fetched =
          new Artifact(invocation.stageIndex() + "-" + type + "/in.csv", 10, null, -1);
      return StageResult.of(List.of(fetched), new StageMetrics(0, 10, 0, 0, 0, 0))
          .withSourceVersion(version);
    }
    long rows = ((Number) options.getOrDefault("rows", 0)).longValue();
    long bytesIn = invocation.inputs().stream().mapToLong(Artifact::bytes).sum();
    long bytesOut = 100L * (invocation.stageIndex() + 1);
    Artifact output =
        new Artifact(invocation.stageIndex() + "-" + type + "/out.csv", bytesOut, null, rows);
    List<String> uris = options.containsKey("uri") ? List.of((String) options.get("uri")) : null;
    return new StageResult(
        List.of(output), new StageMetrics(bytesIn, bytesOut, rows, rows, 0, 0), uris);
  }

  /** Works for {@code millis}, heartbeating; throws once the stage is cancelled. */
  private static void heartbeatFor(long millis) {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      Activity.getExecutionContext().heartbeat(null); // throws once the stage is cancelled
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  public List<StageInvocation> invocations() {
    return List.copyOf(invocations);
  }
}
