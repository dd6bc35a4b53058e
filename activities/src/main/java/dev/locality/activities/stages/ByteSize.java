package dev.locality.activities.stages;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts in worker settings: a number with an optional binary unit, {@code 1048576}, {@code
 * 64m}, {@code 64MiB}, {@code 100g}, {@code 2TB} ({@code k}, {@code m}, {@code g}, {@code t}; with
 * or without {@code b}/{@code ib}; always powers of 1024).
 */
final class ByteSize {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(?:([kmgt])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException when the text is not a size
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a byte size (write e.g. 1048576, 64m, 100g)");
    }
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    if (value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return value << shift;
  }

  /**
   * A worker setting holding a size, or {@code defaultValue} when unset.
   *
   * @throws IllegalStateException naming the setting when its value is not a size
   */
  static long setting(Optional<String> value, String name, long defaultValue) {
    if (value.isEmpty() || value.get().isBlank()) return defaultValue;
    try {
      return parse(value.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("worker setting " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@code 100 GiB (107374182400 bytes)}-style text for messages. */
  static String describe(long bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    for (int i = units.length; i >= 1; i--) {
      long unit = 1L << (10 * i);
      if (bytes >= unit && bytes % unit == 0) {
        return (bytes / unit) + " " + units[i - 1] + " (" + bytes + " bytes)";
      }
    }
    return bytes + " bytes";
  }
}
