package dev.locality.cli.watch;

import dev.locality.stage.Progress;
import dev.locality.stage.StageMetrics;

/**
 * One row of the live view: a stage of the current session with its last heartbeat progress.
 *
 * @param index position in the pipeline
 * @param type stage type
 * @param state PENDING, RUNNING, COMPLETED, FAILED or CANCELLED
 * @param workerId the session's worker, null while none
 * @param sessionId the session the stage runs in, null when unknown
 * @param startedAtMillis epoch millis when it started, 0 if not yet
 * @param endedAtMillis epoch millis when it ended, 0 if not yet
 * @param metrics what it moved, once completed
 * @param failure why it failed or was cancelled
 * @param progress last heartbeat progress while running, else null
 * @param ratePerSecond progress units per second, NaN when unknown
 * @param attempt attempt on this worker (1 unless a transient error was retried)
 */
public record LiveStage(
    int index,
    String type,
    String state,
    String workerId,
    String sessionId,
    long startedAtMillis,
    long endedAtMillis,
    StageMetrics metrics,
    String failure,
    Progress progress,
    double ratePerSecond,
    int attempt) {

  /** Milliseconds until done at the current rate, or -1 when unknown. */
  public long etaMillis() {
    if (progress == null || progress.total() < 0 || !(ratePerSecond > 0)) return -1;
    long left = Math.max(0, progress.total() - progress.done());
    return (long) (left * 1000.0 / ratePerSecond);
  }
}
