package dev.locality.cli.report;

import java.util.Locale;

/** Short human renderings of durations, byte counts and row counts. Stateless, thread-safe. */
public final class Formats {
  private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Formats() {}

  /**
   * {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 1h02m}; a negative value (unknown) renders
   * as {@code -}.
   */
  public static String duration(long millis) {
    if (millis < 0) return "-";
    if (millis < 1_000) return millis + "ms";
    if (millis < 60_000) return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    long seconds = millis / 1000;
    if (seconds < 3600) return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    long minutes = seconds / 60;
    return String.format(Locale.ROOT, "%dh%02dm", minutes / 60, minutes % 60);
  }

  /** {@code 999 B}, {@code 1.2 KiB}, {@code 3.4 MiB}; a negative value (unknown) renders as -. */
  public static String bytes(long bytes) {
    if (bytes < 0) return "-";
    if (bytes < 1024) return bytes + " B";
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, BYTE_UNITS[unit]);
  }

  /** A row count, or {@code -} when the stage does not count rows (-1). */
  public static String count(long count) {
    return count < 0 ? "-" : Long.toString(count);
  }
}
