package dev.locality.worker;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts in worker options: a number with an optional binary unit, as the stages read their
 * size settings: {@code 1048576}, {@code 512m}, {@code 10g}, {@code 2TiB} ({@code k m g t}, with or
 * without {@code b}/{@code ib}; always powers of 1024).
 */
final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(?:([kmgt])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);
  private static final String[] UNITS = {"", "k", "m", "g", "t"};

  private ByteSizes() {}

  /**
   * @throws IllegalArgumentException when the text is not a size
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches())
      throw new IllegalArgumentException(
          "'" + text + "' is not a byte size (write e.g. 1048576, 512m, 10g)");
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    int shift = 10 * java.util.Arrays.asList(UNITS).indexOf(unit);
    if (value > (Long.MAX_VALUE >> shift))
      throw new IllegalArgumentException("'" + text + "' is too large");
    return value << shift;
  }

  /** The shortest exact spelling: {@code 0}, {@code 512m}, {@code 10g}, {@code 1500}. */
  static String format(long bytes) {
    int unit = 0;
    while (unit < UNITS.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      unit++;
    }
    return bytes + UNITS[unit];
  }
}
