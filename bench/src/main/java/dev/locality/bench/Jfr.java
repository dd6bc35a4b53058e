package dev.locality.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --jfr}: the JVM option that records a profile into {@code OUT/jfr/TAG.jfr}. */
final class Jfr {
  private Jfr() {}

  static String option(Path out, String tag) {
    try {
      Files.createDirectories(out.resolve("jfr"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "-XX:StartFlightRecording=settings=profile,filename="
        + out.resolve("jfr").resolve(tag + ".jfr").toAbsolutePath();
  }
}
