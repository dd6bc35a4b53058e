package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes what a failed attempt wrote into its output directory, so a failure never leaves partial
 * files behind. The output directory is empty at the start of every attempt, so everything in it
 * belongs to the attempt.
 */
public final class OutputCleanup {
  private OutputCleanup() {}

  /**
   * Deletes everything inside {@code dir} (not {@code dir} itself). Problems are attached to {@code
   * failure} as suppressed exceptions instead of hiding it.
   */
  public static void deleteContents(Path dir, Throwable failure) {
    if (!Files.isDirectory(dir)) return;
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.filter(p -> !p.equals(dir)).sorted(Comparator.reverseOrder()).toList();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
      return;
    }
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
