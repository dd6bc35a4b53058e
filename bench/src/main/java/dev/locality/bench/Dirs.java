package dev.locality.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the directories a section leaves behind (outputs, stores, the work directory). */
final class Dirs {
  private Dirs() {}

  /** Deletes {@code root} and everything under it, best effort. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
