package dev.locality.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one-line-per-scenario record of an IT run: {@code <scenario> mode=process pass <figures>},
 * printed to standard output and appended to {@code locality.it.summary} (the module's {@code
 * <build dir>/it-summary.txt} in a Maven run). Call it after a scenario's assertions passed, with
 * the figures it measured. Thread-safe.
 */
public final class ItSummary {
  /** The mode of the process-only scenarios (those built on {@link Cluster}). */
  public static final String MODE = "process";

  private ItSummary() {}

  /** Records a passed scenario and its key figures, e.g. {@code "detection-ms=2140"}. */
  public static void pass(String scenario, String figures) {
    pass(scenario, MODE, figures);
  }

  /** As {@link #pass(String, String)}, for a scenario run in {@code mode}. */
  public static void pass(String scenario, ItMode mode, String figures) {
    pass(scenario, mode.label(), figures);
  }

  private static synchronized void pass(String scenario, String mode, String figures) {
    String line = scenario + " mode=" + mode + " pass " + figures;
    System.out.println("[it-summary] " + line);
    System.out.flush();
    try {
      Path file = file();
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(
          file,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not append to the IT summary", e);
    }
  }

  /** Prints a measured figure (not a summary line) for the run's log. */
  public static void measured(String scenario, String figures) {
    System.out.println("[it-measured] " + scenario + " " + figures);
    System.out.flush();
  }

  static Path file() {
    String path = System.getProperty("locality.it.summary");
    if (path != null) return Path.of(path);
    return Path.of(System.getProperty("java.io.tmpdir"), "locality-it-summary.txt");
  }
}
