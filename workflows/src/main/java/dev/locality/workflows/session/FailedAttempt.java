package dev.locality.workflows.session;

/**
 * A session that {@link Failover} gave up on.
 *
 * @param attempt 1-based session attempt
 * @param sessionId the failed session
 * @param workerId the worker that held it, null when no worker had granted it yet
 * @param reason why it failed, e.g. {@code worker lost (session lease heartbeat timeout)}
 */
public record FailedAttempt(int attempt, String sessionId, String workerId, String reason) {
  /** {@code #1 worker w1: worker lost (session lease heartbeat timeout)}. */
  public String describe() {
    return "#"
        + attempt
        + " "
        + (workerId == null ? "no worker" : "worker " + workerId)
        + ": "
        + reason;
  }
}
