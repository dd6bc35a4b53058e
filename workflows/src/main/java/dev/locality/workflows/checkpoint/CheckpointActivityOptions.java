package dev.locality.workflows.checkpoint;

import dev.locality.api.checkpoint.CheckpointActivities;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.Failures;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Activity options of the checkpoint activities (the task queue is left to the session). A save or
 * restore moves about what its stage wrote, so it gets the stage's timeouts; transient store errors
 * retry in place (3 attempts); a lost session, bad input and an unusable checkpoint never retry. A
 * save waits for its cancellation to be acknowledged (so a deletion that follows it cannot race
 * with its last writes); restore and delete are cancelled at once.
 */
final class CheckpointActivityOptions {
  private static final int MAX_ATTEMPTS = 3;

  private CheckpointActivityOptions() {}

  /**
   * @param stage the checkpointed stage (its timeouts), or null for the defaults (deletion)
   */
  static ActivityOptions of(StageSpec stage) {
    StageTimeouts t =
        stage == null || stage.timeouts() == null ? StageTimeouts.DEFAULTS : stage.timeouts();
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(or(t.startToClose(), StageTimeouts.DEFAULTS.startToClose()))
        .setHeartbeatTimeout(or(t.heartbeat(), StageTimeouts.DEFAULTS.heartbeat()))
        .setScheduleToStartTimeout(
            or(t.scheduleToStart(), StageTimeouts.DEFAULTS.scheduleToStart()))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumAttempts(MAX_ATTEMPTS)
                .setInitialInterval(Duration.ofSeconds(1))
                .setBackoffCoefficient(2)
                .setMaximumInterval(Duration.ofSeconds(10))
                .setDoNotRetry(
                    Failures.BAD_INPUT,
                    Failures.SESSION_LOST,
                    Failures.WORKER_SHUTDOWN,
                    CheckpointActivities.UNUSABLE)
                .build())
        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
        .build();
  }

  private static Duration or(Duration value, Duration fallback) {
    return value != null ? value : fallback;
  }
}
