package dev.locality.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Rates, medians and percentiles of the measured figures. */
final class Stats {
  static final double MIB = 1024.0 * 1024.0;

  private Stats() {}

  /** MiB per second; 0 when no time was measured. */
  static double mibPerSec(long bytes, long millis) {
    return millis <= 0 ? 0 : bytes / MIB / (millis / 1000.0);
  }

  static List<Double> sorted(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s;
  }

  /** The median (mean of the middle two for an even count), 0 for no values. */
  static double median(List<Double> values) {
    if (values.isEmpty()) return 0;
    List<Double> s = sorted(values);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of sorted values, 0 for no values. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) return 0;
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
