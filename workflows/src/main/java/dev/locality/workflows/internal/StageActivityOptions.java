package dev.locality.workflows.internal;

import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.Failures;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Activity options of one stage, from its spec. The task queue is left to the session ({@link
 * dev.locality.workflows.session.WorkerSession#bind}).
 *
 * <ul>
 *   <li>scheduleToStart: detects a dead unique queue (the worker is gone) quickly;
 *   <li>heartbeat: detects a hung or dead stage attempt;
 *   <li>startToClose: the longest one attempt may run;
 *   <li>retries: transient errors retry in place on the same worker, bounded by the stage's
 *       maxAttempts; bad input and session loss never retry;
 *   <li>TRY_CANCEL: cancelling a stage of a lost session must not wait for the dead worker.
 * </ul>
 */
public final class StageActivityOptions {
  static final Duration INITIAL_RETRY_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_RETRY_INTERVAL = Duration.ofSeconds(30);

  private StageActivityOptions() {}

  public static ActivityOptions of(StageSpec stage) {
    StageTimeouts t = stage.timeouts() == null ? StageTimeouts.DEFAULTS : stage.timeouts();
    int maxAttempts =
        stage.maxAttempts() > 0 ? stage.maxAttempts() : StageSpec.DEFAULT_MAX_ATTEMPTS;
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(or(t.startToClose(), StageTimeouts.DEFAULTS.startToClose()))
        .setHeartbeatTimeout(or(t.heartbeat(), StageTimeouts.DEFAULTS.heartbeat()))
        .setScheduleToStartTimeout(
            or(t.scheduleToStart(), StageTimeouts.DEFAULTS.scheduleToStart()))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumAttempts(maxAttempts)
                .setInitialInterval(INITIAL_RETRY_INTERVAL)
                .setBackoffCoefficient(2)
                .setMaximumInterval(MAX_RETRY_INTERVAL)
                .setDoNotRetry(Failures.BAD_INPUT, Failures.SESSION_LOST, Failures.WORKER_SHUTDOWN)
                .build())
        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
        .build();
  }

  private static Duration or(Duration value, Duration fallback) {
    return value != null ? value : fallback;
  }
}
