package dev.locality.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A worker's heap figures from its {@code -Xlog:gc} file. */
final class GcLog {
  private static final Pattern HEAP =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  private GcLog() {}

  /**
   * Peak heap used before a GC (MiB), largest committed heap (MiB) and GC count; {@code {-1, -1,
   * 0}} when there is no log.
   */
  static long[] peaks(Path gcLog) throws IOException {
    long used = 0;
    long committed = 0;
    long count = 0;
    if (gcLog == null || !Files.exists(gcLog)) return new long[] {-1, -1, 0};
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = HEAP.matcher(line);
      if (m.find()) {
        count++;
        used = Math.max(used, mb(m.group(1), m.group(2)));
        committed = Math.max(committed, mb(m.group(5), m.group(6)));
      }
    }
    return new long[] {used, committed, count};
  }

  static long mb(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }
}
