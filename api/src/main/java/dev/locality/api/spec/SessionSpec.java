package dev.locality.api.spec;

import java.time.Duration;

/**
 * How a pipeline's worker session behaves.
 *
 * @param heartbeatTimeout how long the session lease may go without a heartbeat before the worker
 *     is declared lost: the upper bound on detecting a dead worker between or during stages
 * @param creationTimeout how long to wait for a worker with a free session slot
 * @param maxWorkerAttempts sessions (workers) tried before the pipeline fails
 * @param failoverBackoff pause before opening the next session after a session failed
 * @param reattachTimeout same-host resume: how long, after the session's worker was lost, the
 *     session is offered back to a worker with the same worker id (restarted on the same work root)
 *     before failing over to another worker; zero (the default) turns it off. Null counts as zero
 */
public record SessionSpec(
    Duration heartbeatTimeout,
    Duration creationTimeout,
    int maxWorkerAttempts,
    Duration failoverBackoff,
    Duration reattachTimeout) {

  public static final SessionSpec DEFAULTS =
      new SessionSpec(
          Duration.ofSeconds(10), Duration.ofMinutes(5), 3, Duration.ofSeconds(5), Duration.ZERO);

  /** A session without same-host resume ({@code reattachTimeout} zero). */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff) {
    this(heartbeatTimeout, creationTimeout, maxWorkerAttempts, failoverBackoff, Duration.ZERO);
  }

  /** {@link #reattachTimeout()}, never null (zero when off). */
  public Duration reattachWindow() {
    return reattachTimeout == null ? Duration.ZERO : reattachTimeout;
  }
}
