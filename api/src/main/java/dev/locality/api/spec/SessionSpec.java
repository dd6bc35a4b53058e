package dev.locality.api.spec;

import dev.locality.api.session.Pools;
import java.time.Duration;

/**
 * How a pipeline's worker session behaves.
 *
 * @param heartbeatTimeout how long the session lease may go without a heartbeat before the worker
 *     is declared lost: the upper bound on detecting a dead worker between or during stages
 * @param creationTimeout how long to wait for a worker with a free session slot
 * @param maxWorkerAttempts sessions (workers) tried before the pipeline fails
 * @param failoverBackoff pause before opening the next session after a session failed
 * @param pool the resource pool whose workers may hold the session ({@link Pools}); null means
 *     {@link Pools#DEFAULT} (and is what specs and recorded checks from before pools carry)
 */
public record SessionSpec(
    Duration heartbeatTimeout,
    Duration creationTimeout,
    int maxWorkerAttempts,
    Duration failoverBackoff,
    String pool) {

  public static final SessionSpec DEFAULTS =
      new SessionSpec(Duration.ofSeconds(10), Duration.ofMinutes(5), 3, Duration.ofSeconds(5));

  /** A session spec in the default pool. */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff) {
    this(heartbeatTimeout, creationTimeout, maxWorkerAttempts, failoverBackoff, null);
  }

  /** The pool, {@link Pools#DEFAULT} when none is named; never null. */
  public String poolName() {
    return Pools.orDefault(pool);
  }

  /** This spec with {@code pool} as its pool. */
  public SessionSpec withPool(String pool) {
    return new SessionSpec(
        heartbeatTimeout, creationTimeout, maxWorkerAttempts, failoverBackoff, pool);
  }
}
