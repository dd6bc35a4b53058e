package dev.locality.stage;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as written in worker settings and command lines: a number with an optional binary
 * unit, {@code 1048576}, {@code 64m}, {@code 64MiB}, {@code 100g}, {@code 2TB} ({@code k}, {@code
 * m}, {@code g}, {@code t}, with or without {@code b}/{@code ib}; always powers of 1024). The byte
 * counterpart of {@link Durations}. Thread-safe and stateless.
 */
public final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(?:([kmgt])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);
  private static final String[] UNITS = {"", "k", "m", "g", "t"};
  private static final String[] LONG_UNITS = {"KiB", "MiB", "GiB", "TiB"};

  private ByteSizes() {}

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException naming the text when it is not a size or does not fit a long
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a byte size (write e.g. 1048576, 64m, 100g)");
    }
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    int shift = 10 * java.util.Arrays.asList(UNITS).indexOf(unit);
    if (value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return value << shift;
  }

  /** The shortest exact spelling that {@link #parse} reads back: {@code 0}, {@code 512m}. */
  public static String format(long bytes) {
    int unit = 0;
    while (unit < UNITS.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      unit++;
    }
    return bytes + UNITS[unit];
  }

  /** {@code 100 GiB (107374182400 bytes)}-style text for messages. */
  public static String describe(long bytes) {
    for (int i = LONG_UNITS.length; i >= 1; i--) {
      long unit = 1L << (10 * i);
      if (bytes >= unit && bytes % unit == 0) {
        return (bytes / unit) + " " + LONG_UNITS[i - 1] + " (" + bytes + " bytes)";
      }
    }
    return bytes + " bytes";
  }
}
