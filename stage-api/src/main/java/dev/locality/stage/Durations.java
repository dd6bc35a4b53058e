package dev.locality.stage;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration notation used in pipeline specs: {@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT10S}). Thread-safe and stateless.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Returns the duration, or throws {@link IllegalArgumentException} with a message that shows the
   * accepted forms.
   */
  public static Duration parse(String text) {
    String value = text.trim();
    Matcher m = SHORT.matcher(value);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        default:
          return Duration.ofDays(amount);
      }
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + shorten(text)
              + "' is not a duration (use 500ms, 10s, 5m, 1h, 2d or ISO-8601 like PT10S)");
    }
  }

  /** Formats a duration in the short notation, the inverse of {@link #parse}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }

  /** A value as error messages quote it: cut to 80 characters, saying how long it was. */
  public static String shorten(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 80 ? text : text.substring(0, 77) + "...(" + text.length() + " chars)";
  }
}
