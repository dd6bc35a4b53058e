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
 * #holdForLowDisk} suspends it while the work root's disk is low; {@link #holdWhileFull} while
 * every slot of its pool is taken; {@link #stop()} suspends it for good (drain). Polling resumes
 * only when no pause, hold or stop is in effect. Only the lease worker is touched: pipeline
 * workflow tasks keep flowing, so open sessions can still finish while the worker drains.
 * Thread-safe.
 */
final class SharedQueuePolling implements SharedQueuePause {
  private final Worker leaseWorker;
  private final ScheduledExecutorService scheduler;
  private long resumeAtNanos;
  private boolean lowDisk;
  private boolean full;
  private boolean stopped;

  SharedQueuePolling(Worker leaseWorker) {
    this.leaseWorker = leaseWorker;
    this.resumeAtNanos = System.nanoTime(); // no pause yet; nanoTime's origin may be negative
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
    long until = System.nanoTime() + duration.toNanos();
    if (until - resumeAtNanos > 0) resumeAtNanos = until; // nanoTime values compare by difference
    leaseWorker.suspendPolling();
    scheduler.schedule(this::resumeIfDue, duration.toNanos(), TimeUnit.NANOSECONDS);
  }

  private synchronized void resumeIfDue() {
    if (!stopped && !lowDisk && !full && System.nanoTime() - resumeAtNanos >= 0)
      leaseWorker.resumePolling();
  }

  /** Suspends polling while {@code low} is true; resumes (unless paused or stopped) when false. */
  synchronized void holdForLowDisk(boolean low) {
    lowDisk = low;
    if (stopped) return;
    if (low) leaseWorker.suspendPolling();
    else resumeIfDue();
  }

  /**
   * Suspends polling while {@code full} is true (every slot of the pool taken, some by sessions
   * from another queue than this one); resumes (unless paused, low on disk or stopped) when false.
   */
  synchronized void holdWhileFull(boolean full) {
    if (this.full == full) return;
    this.full = full;
    if (stopped) return;
    if (full) leaseWorker.suspendPolling();
    else resumeIfDue();
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
