package dev.locality.worker;

import dev.locality.stage.ByteSizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the free space of the work root's file system: measures it at {@link #start()}, every
 * period after, and whenever {@link #checkNow()} is called (a lease arriving). When it falls below
 * the minimum the guard reports "low" to its listener (which suspends lease polling) and logs a
 * warning; when it recovers, "not low" (polling resumes). A minimum of 0 never reports low; space
 * is still measured for the metric. A measurement that fails counts as not low (a broken probe must
 * not stop the worker) and is logged once. Thread-safe.
 */
final class DiskGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiskGuard.class);

  private final LongSupplier freeSpace;
  private final long minFreeBytes;
  private final Duration period;
  private final Consumer<Boolean> onLowChanged;
  private ScheduledExecutorService scheduler;
  private volatile long lastFree = -1;
  private boolean low;
  private boolean probeFailed;

  DiskGuard(
      LongSupplier freeSpace, long minFreeBytes, Duration period, Consumer<Boolean> onLowChanged) {
    this.freeSpace = freeSpace;
    this.minFreeBytes = minFreeBytes;
    this.period = period;
    this.onLowChanged = onLowChanged;
  }

  /** Usable bytes of the file system holding {@code dir}; throws {@link IllegalStateException}. */
  static LongSupplier usableSpaceOf(Path dir) {
    return () -> {
      try {
        return Files.getFileStore(dir).getUsableSpace();
      } catch (IOException e) {
        throw new IllegalStateException("cannot measure free space of " + dir + ": " + e, e);
      }
    };
  }

  /** Checks once now, then every period on a daemon thread. Call once. */
  synchronized void start() {
    checkNow();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "locality-disk-guard");
              t.setDaemon(true);
              return t;
            });
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(this::checkNow, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Measures now; returns whether free space is below the minimum. */
  synchronized boolean checkNow() {
    long free;
    try {
      free = freeSpace.getAsLong();
      probeFailed = false;
    } catch (RuntimeException e) {
      if (!probeFailed) log.warn("{}; the free-disk minimum is not enforced", e.getMessage());
      probeFailed = true;
      lastFree = -1;
      setLow(false, -1);
      return false;
    }
    lastFree = free;
    setLow(minFreeBytes > 0 && free < minFreeBytes, free);
    return low;
  }

  private void setLow(boolean nowLow, long free) {
    if (nowLow == low) return;
    low = nowLow;
    if (nowLow)
      log.warn(
          "free disk {} is below the minimum {}: taking no new sessions",
          ByteSizes.format(free),
          ByteSizes.format(minFreeBytes));
    else
      log.info(
          "free disk is above the minimum {} again: taking sessions",
          ByteSizes.format(minFreeBytes));
    onLowChanged.accept(nowLow);
  }

  /** Whether the last measurement was below the minimum. */
  synchronized boolean isLow() {
    return low;
  }

  /** Free bytes at the last measurement, or -1 when it failed or none was made. */
  long lastFreeBytes() {
    return lastFree;
  }

  long minFreeBytes() {
    return minFreeBytes;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) scheduler.shutdownNow();
  }
}
