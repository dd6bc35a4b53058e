package dev.locality.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lease polling of every resource pool a worker serves: one {@link SharedQueuePolling} per pool
 * (each pool's queue polled by its own Temporal worker, whose activity slots are the pool's session
 * slots), and how many of each pool's slots are in use right now. A decline pauses only its own
 * pool; low disk and drain act on every pool. Thread-safe.
 */
final class PoolLeases {
  /** One pool: its polling switch, its slots and the lease activities running in it. */
  record Pool(String name, int slots, SharedQueuePolling polling, AtomicInteger inUse) {
    /** Slots not held by a running lease right now (never negative). */
    int freeSlots() {
      return Math.max(0, slots - inUse.get());
    }

    /**
     * Takes a slot for a lease that starts, from whichever queue it came (the pool's queue or this
     * worker's preferred queue, each a Temporal worker with its own activity slots): returns false
     * (nothing taken) when every slot of the pool is in use already. The pool's queue stops polling
     * while the pool is full, so a session taken from the preferred queue keeps the pool within its
     * slots; only a poll already in flight at that moment can still deliver, and its lease is then
     * told false here and declines.
     */
    synchronized boolean enter() {
      if (inUse.get() >= slots) return false;
      polling.holdWhileFull(inUse.incrementAndGet() >= slots);
      return true;
    }

    /** Gives back the slot {@link #enter} took. */
    synchronized void leave() {
      polling.holdWhileFull(inUse.decrementAndGet() >= slots);
    }
  }

  private final Map<String, Pool> pools = new LinkedHashMap<>();

  /** Adds a pool; call while assembling the worker, before it starts. */
  synchronized Pool add(String name, int slots, SharedQueuePolling polling) {
    Pool pool = new Pool(name, slots, polling, new AtomicInteger());
    pools.put(name, pool);
    return pool;
  }

  /** The pools in the order configured. */
  synchronized List<Pool> all() {
    return Collections.unmodifiableList(new ArrayList<>(pools.values()));
  }

  /** Suspends (true) or resumes (false) lease polling of every pool for low disk. */
  synchronized void holdForLowDisk(boolean low) {
    pools.values().forEach(p -> p.polling().holdForLowDisk(low));
  }

  /** Stops lease polling of every pool for good. Idempotent. */
  synchronized void stop() {
    pools.values().forEach(p -> p.polling().stop());
  }
}
