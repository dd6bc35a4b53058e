package dev.locality.worker;

import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import io.temporal.failure.ApplicationFailure;

/**
 * The lease of a pool's preferred queue ({@code TaskQueues.preferred}): a session offered to this
 * worker because it holds the pipeline's input in its download cache. Takes it within the pool's
 * slots only: with every slot of the pool in use it declines ({@link Failures#LEASE_DECLINED}), and
 * the workflow asks again until its locality wait ends, then offers the session to any worker. The
 * session counts in the pool's slots like one from the pool's shared queue. Thread-safe.
 */
final class PreferredLease implements SessionLeaseActivity {
  private final SessionLeaseActivity lease;
  private final PoolLeases.Pool pool;

  /**
   * @param lease the pool's lease, counted in the pool's slots ({@link CountedLease})
   */
  PreferredLease(SessionLeaseActivity lease, PoolLeases.Pool pool) {
    this.lease = lease;
    this.pool = pool;
  }

  @Override
  public void hold(SessionRequest request) {
    if (pool.freeSlots() <= 0) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no free slot in pool " + pool.name() + " for a preferred session",
          Failures.LEASE_DECLINED);
    }
    lease.hold(request);
  }
}
