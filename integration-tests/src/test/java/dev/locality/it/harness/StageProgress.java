package dev.locality.it.harness;

import dev.locality.stage.Progress;

/**
 * A running stage as the server last recorded it: the last heartbeat details ({@link Progress}) of
 * the pending activity of the stage's type, the identity of the worker running it ({@code
 * <pid>@<workerId>}, as the worker registers) and the activity's attempt. Immutable.
 *
 * @param stageType the stage's (activity's) type
 * @param workerIdentity identity of the worker that started the current attempt
 * @param attempt the activity attempt, from 1
 * @param progress the last heartbeat's progress, null before the first heartbeat reached the server
 * @param observedAtMillis epoch millis when the test read it
 */
public record StageProgress(
    String stageType,
    String workerIdentity,
    int attempt,
    Progress progress,
    long observedAtMillis) {

  /** The worker id in {@link #workerIdentity} (after the {@code @}). */
  public String workerId() {
    int at = workerIdentity.indexOf('@');
    return at < 0 ? workerIdentity : workerIdentity.substring(at + 1);
  }

  /**
   * Strictly inside the stage: some units done, not all. {@code total} is the stage's total when
   * the heartbeat does not carry one (transform-csv counts rows with an unknown total; the test
   * knows its input's row count); ignored when the heartbeat has a total.
   */
  public boolean isMidStage(long total) {
    if (progress == null) return false;
    long of = progress.total() >= 0 ? progress.total() : total;
    return progress.done() > 0 && progress.done() < of;
  }

  /**
   * {@code done/total unit}, e.g. {@code 1048576/20496867 bytes}; {@code total} stands in when the
   * heartbeat has none (as in {@link #isMidStage}).
   */
  public String describe(long total) {
    if (progress == null) return "no progress";
    long of = progress.total() >= 0 ? progress.total() : total;
    return progress.done() + "/" + of + " " + progress.unit();
  }
}
