package dev.locality.activities.stages.internal;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a network stream that made no progress for a while, so a stalled server cannot hold a
 * stage (and its thread) forever: the blocked read then fails with an {@link IOException}. The
 * reading thread calls {@link #progressed()} after every read and checks {@link #stalled()} when a
 * read fails. Use in try-with-resources. Thread-safe.
 */
public final class StallGuard implements AutoCloseable {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "locality-stall-guard");
            t.setDaemon(true);
            return t;
          });

  private final Closeable stream;
  private final long idleNanos;
  private final ScheduledFuture<?> check;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean stalled;

  private StallGuard(Closeable stream, Duration idleTimeout) {
    this.stream = stream;
    this.idleNanos = idleTimeout.toNanos();
    long period = Math.max(10, Math.min(1000, idleTimeout.toMillis() / 4));
    this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** Starts guarding {@code stream}: it is closed after {@code idleTimeout} without progress. */
  public static StallGuard start(Closeable stream, Duration idleTimeout) {
    return new StallGuard(stream, idleTimeout);
  }

  public void progressed() {
    lastProgress = System.nanoTime();
  }

  /** Whether the guard closed the stream because it stalled. */
  public boolean stalled() {
    return stalled;
  }

  private void check() {
    if (!stalled && System.nanoTime() - lastProgress > idleNanos) {
      stalled = true;
      try {
        stream.close();
      } catch (IOException | RuntimeException e) {
        // the reader fails either way; nothing more to do
      }
    }
  }

  @Override
  public void close() {
    check.cancel(false);
  }
}
