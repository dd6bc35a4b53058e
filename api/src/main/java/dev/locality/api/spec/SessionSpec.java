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
 */
public record SessionSpec(
    Duration heartbeatTimeout,
    Duration creationTimeout,
    int maxWorkerAttempts,
    Duration failoverBackoff) {

  public static final SessionSpec DEFAULTS =
      new SessionSpec(Duration.ofSeconds(10), Duration.ofMinutes(5), 3, Duration.ofSeconds(5));
}
