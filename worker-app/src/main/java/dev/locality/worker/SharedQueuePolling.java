package dev.locality.worker;

import dev.locality.activities.session.SharedQueuePause;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Switches lease polling on the shared queue off and on. A {@link #pauseFor} suspends polling of
 * the lease worker until the latest pause ends (overlapping pauses extend each other); {@link
 * #stop()} suspends it for good (drain). Only the lease worker is touched: pipeline workflow tasks
 * keep flowing, so open sessions can still finish while the worker drains. Thread-safe.
 */
final class SharedQueuePolling implements SharedQueuePause {
  private final Worker leaseWorker;
  private final ScheduledExecutorService scheduler;
  private long resumeAtNanos;
  private boolean stopped;

  SharedQueuePolling(Worker leaseWorker) {
    this.leaseWorker = leaseWorker;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "locality-lease-polling");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public synchronized void pauseFor(Duration duration) {
    if (stopped) return;
    resumeAtNanos = Math.max(resumeAtNanos, System.nanoTime() + duration.toNanos());
    leaseWorker.suspendPolling();
    scheduler.schedule(this::resumeIfDue, duration.toNanos(), TimeUnit.NANOSECONDS);
  }

  private synchronized void resumeIfDue() {
    if (!stopped && System.nanoTime() - resumeAtNanos >= 0) leaseWorker.resumePolling();
  }

  /** Stops lease polling for good. Idempotent. */
  synchronized void stop() {
    stopped = true;
    leaseWorker.suspendPolling();
    scheduler.shutdownNow();
  }

  synchronized boolean isPolling() {
    return !leaseWorker.isSuspended();
  }
}
