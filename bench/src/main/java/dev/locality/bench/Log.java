package dev.locality.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Progress lines on stderr, each with the UTC time of day (stdout carries the Markdown table). */
final class Log {
  private Log() {}

  static void log(String format, Object... args) {
    String time =
        DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now());
    System.err.println(time + " " + String.format(Locale.ROOT, format, args));
  }
}
