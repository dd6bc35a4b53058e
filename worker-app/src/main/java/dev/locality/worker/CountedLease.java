package dev.locality.worker;

import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import io.temporal.failure.ApplicationFailure;

/**
 * A pool's lease that holds one of the pool's slots while it runs, whichever queue it came from
 * (the pool's own queue or this worker's preferred queue): the count is what the worker reports as
 * open sessions and free slots per pool, and it keeps the pool within its slots across both queues.
 * A lease that finds every slot taken (a session from the other queue took the last one while this
 * lease's poll was in flight) declines with a retryable {@link Failures#LEASE_DECLINED}, so the
 * workflow asks again and another worker, or this one once a slot frees, takes it. Thread-safe.
 */
final class CountedLease implements SessionLeaseActivity {
  private final SessionLeaseActivity lease;
  private final PoolLeases.Pool pool;
  private final String workerId;

  CountedLease(SessionLeaseActivity lease, PoolLeases.Pool pool, String workerId) {
    this.lease = lease;
    this.pool = pool;
    this.workerId = workerId;
  }

  @Override
  public void hold(SessionRequest request) {
    if (!pool.enter()) {
      throw ApplicationFailure.newFailure(
          "worker "
              + workerId
              + " declined: every one of the "
              + pool.slots()
              + " slots of pool "
              + pool.name()
              + " is in use",
          Failures.LEASE_DECLINED);
    }
    try {
      lease.hold(request);
    } finally {
      pool.leave();
    }
  }
}
