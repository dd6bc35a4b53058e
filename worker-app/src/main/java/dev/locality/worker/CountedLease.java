package dev.locality.worker;

import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool's lease that counts the lease activities running in the pool: exactly the slots the pool's
 * Temporal worker has in use (a declining lease holds its slot only for the moment it takes to
 * decline). What the worker reports as open sessions and free slots per pool. Thread-safe.
 */
final class CountedLease implements SessionLeaseActivity {
  private final SessionLeaseActivity lease;
  private final AtomicInteger inUse;

  CountedLease(SessionLeaseActivity lease, AtomicInteger inUse) {
    this.lease = lease;
    this.inUse = inUse;
  }

  @Override
  public void hold(SessionRequest request) {
    inUse.incrementAndGet();
    try {
      lease.hold(request);
    } finally {
      inUse.decrementAndGet();
    }
  }
}
