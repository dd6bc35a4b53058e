package dev.locality.activities.dispatch;

import dev.locality.stage.Progress;
import io.temporal.activity.ActivityExecutionContext;
import java.util.Optional;

/** Where a stage attempt's heartbeats go and where the previous attempt's progress comes from. */
public interface StageHeartbeat {
  /**
   * Records progress; throws an unchecked exception when the attempt must stop (cancelled, timed
   * out, worker shutting down).
   */
  void heartbeat(Progress progress);

  /** Progress the previous attempt reported, if any. */
  Optional<Progress> previous();

  /** Backed by a Temporal activity context; exceptions from the SDK propagate unchanged. */
  static StageHeartbeat of(ActivityExecutionContext context) {
    return new StageHeartbeat() {
      @Override
      public void heartbeat(Progress progress) {
        context.heartbeat(progress);
      }

      @Override
      public Optional<Progress> previous() {
        return context.getHeartbeatDetails(Progress.class);
      }
    };
  }
}
