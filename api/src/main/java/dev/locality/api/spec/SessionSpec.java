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
 * @param reattachTimeout same-host resume: how long, after the session's worker was lost, the
 *     session is offered back to a worker with the same worker id (restarted on the same work root)
 *     before failing over to another worker; zero (the default) turns it off. Null counts as zero
 * @param checkpoints which stages' outputs are checkpointed for cross-worker failover; null (specs
 *     and recorded checks from before checkpoints) counts as none
 * @param localityWait delay scheduling: how long a pipeline whose first stage is a {@code download}
 *     with {@code cache: true} is offered first to a worker that holds the file in its download
 *     cache, before any worker may take it; zero turns it off; null means the default, {@link
 *     #DEFAULT_LOCALITY_WAIT} (and is left out of the spec document)
 */
public record SessionSpec(
    Duration heartbeatTimeout,
    Duration creationTimeout,
    int maxWorkerAttempts,
    Duration failoverBackoff,
    String pool,
    Duration reattachTimeout,
    CheckpointSpec checkpoints,
    Duration localityWait) {

  /** The default of {@link #localityWait()}. */
  public static final Duration DEFAULT_LOCALITY_WAIT = Duration.ofSeconds(2);

  public static final SessionSpec DEFAULTS =
      new SessionSpec(
          Duration.ofSeconds(10),
          Duration.ofMinutes(5),
          3,
          Duration.ofSeconds(5),
          null,
          Duration.ZERO,
          null,
          null);

  /** A session spec without checkpoints, with the default locality wait. */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff,
      String pool,
      Duration reattachTimeout) {
    this(
        heartbeatTimeout,
        creationTimeout,
        maxWorkerAttempts,
        failoverBackoff,
        pool,
        reattachTimeout,
        null,
        null);
  }

  /** A session spec with these checkpoints and the default locality wait. */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff,
      String pool,
      Duration reattachTimeout,
      CheckpointSpec checkpoints) {
    this(
        heartbeatTimeout,
        creationTimeout,
        maxWorkerAttempts,
        failoverBackoff,
        pool,
        reattachTimeout,
        checkpoints,
        null);
  }

  /** A session spec without checkpoints, with this locality wait (null: the default). */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff,
      String pool,
      Duration reattachTimeout,
      Duration localityWait) {
    this(
        heartbeatTimeout,
        creationTimeout,
        maxWorkerAttempts,
        failoverBackoff,
        pool,
        reattachTimeout,
        null,
        localityWait);
  }

  /** A session spec in the default pool, without same-host resume. */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff) {
    this(
        heartbeatTimeout, creationTimeout, maxWorkerAttempts, failoverBackoff, null, Duration.ZERO);
  }

  /** A session spec in {@code pool} (null: the default pool), without same-host resume. */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff,
      String pool) {
    this(
        heartbeatTimeout, creationTimeout, maxWorkerAttempts, failoverBackoff, pool, Duration.ZERO);
  }

  /** A session spec in the default pool with this same-host resume window. */
  public SessionSpec(
      Duration heartbeatTimeout,
      Duration creationTimeout,
      int maxWorkerAttempts,
      Duration failoverBackoff,
      Duration reattachTimeout) {
    this(
        heartbeatTimeout,
        creationTimeout,
        maxWorkerAttempts,
        failoverBackoff,
        null,
        reattachTimeout);
  }

  /** The pool, {@link Pools#DEFAULT} when none is named; never null. */
  public String poolName() {
    return Pools.orDefault(pool);
  }

  /** This spec with {@code pool} as its pool. */
  public SessionSpec withPool(String pool) {
    return new SessionSpec(
        heartbeatTimeout,
        creationTimeout,
        maxWorkerAttempts,
        failoverBackoff,
        pool,
        reattachTimeout,
        checkpoints,
        localityWait);
  }

  /** This spec with {@code checkpoints} as its checkpoints. */
  public SessionSpec withCheckpoints(CheckpointSpec checkpoints) {
    return new SessionSpec(
        heartbeatTimeout,
        creationTimeout,
        maxWorkerAttempts,
        failoverBackoff,
        pool,
        reattachTimeout,
        checkpoints,
        localityWait);
  }

  /** {@link #checkpoints()}, never null ({@link CheckpointSpec#NONE} when none). */
  public CheckpointSpec checkpointPlan() {
    return checkpoints == null ? CheckpointSpec.NONE : checkpoints;
  }

  /** {@link #localityWait()}, the default when not given; never null (zero when off). */
  public Duration localityWaitOrDefault() {
    return localityWait == null ? DEFAULT_LOCALITY_WAIT : localityWait;
  }

  /** {@link #reattachTimeout()}, never null (zero when off). */
  public Duration reattachWindow() {
    return reattachTimeout == null ? Duration.ZERO : reattachTimeout;
  }
}
