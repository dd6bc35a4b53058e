package dev.locality.activities.stages.internal;

import dev.locality.stage.Progress;
import dev.locality.stage.StageContext;

/**
 * Sends a stage's progress as heartbeats, at most every {@value #INTERVAL_MILLIS} ms, so a stage
 * can call {@link #report} after every buffer or row without cost. The first report is always sent.
 * Not thread-safe: one per stage attempt, used by the attempt's thread.
 */
public final class ProgressReporter {
  static final long INTERVAL_MILLIS = 250;
  private static final long INTERVAL_NANOS = INTERVAL_MILLIS * 1_000_000L;

  private final StageContext context;
  private final String unit;
  private final long total;
  private long lastSent;
  private boolean sentOnce;

  private ProgressReporter(StageContext context, String unit, long total) {
    this.context = context;
    this.unit = unit;
    this.total = total;
  }

  /** Progress in bytes out of {@code total} (-1 when unknown). */
  public static ProgressReporter bytes(StageContext context, long total) {
    return new ProgressReporter(context, "bytes", total);
  }

  /** Progress in rows (total unknown). */
  public static ProgressReporter rows(StageContext context) {
    return new ProgressReporter(context, "rows", -1);
  }

  /** Heartbeats {@code done} if the last heartbeat is older than the interval. */
  public void report(long done) {
    long now = System.nanoTime();
    if (!sentOnce || now - lastSent >= INTERVAL_NANOS) {
      send(done, now);
    }
  }

  /** Heartbeats {@code done} now: for the start and the end of the work. */
  public void reportNow(long done) {
    send(done, System.nanoTime());
  }

  private void send(long done, long now) {
    context.heartbeat(new Progress(done, total, unit));
    lastSent = now;
    sentOnce = true;
  }
}
