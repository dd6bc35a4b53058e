package dev.locality.cli.watch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How fast a stage progresses, from its successive heartbeats: units per second over the last
 * {@value #WINDOW_MILLIS} ms of heartbeat time (the server's clock, so polling jitter does not skew
 * it). A count that goes backwards (a retried attempt starting over) starts a new measurement. Not
 * thread-safe: one per watch loop.
 */
public final class RateMeter {
  static final long WINDOW_MILLIS = 5_000;

  private final Map<String, Deque<long[]>> samples = new HashMap<>();

  /**
   * Records that {@code key} (an activity attempt) had done {@code done} units at heartbeat time
   * {@code atMillis}.
   *
   * @return units per second, or NaN until two heartbeats at different times were seen
   */
  public double observe(String key, long atMillis, long done) {
    Deque<long[]> window = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
    long[] last = window.peekLast();
    if (last != null && done < last[1]) window.clear();
    if (last == null || atMillis > last[0]) window.addLast(new long[] {atMillis, done});
    while (window.size() > 2 && window.peekLast()[0] - secondOf(window)[0] >= WINDOW_MILLIS) {
      window.removeFirst();
    }
    long[] first = window.peekFirst();
    long[] newest = window.peekLast();
    if (first == null || newest[0] <= first[0]) return Double.NaN;
    return (newest[1] - first[1]) * 1000.0 / (newest[0] - first[0]);
  }

  private static long[] secondOf(Deque<long[]> window) {
    var it = window.iterator();
    it.next();
    return it.next();
  }
}
