package dev.locality.activities.stages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** File-system checks shared by the stage tests. */
public final class TestFiles {
  private TestFiles() {}

  /** Every file and directory under {@code dir} (not {@code dir} itself); empty if absent. */
  public static List<Path> filesIn(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir)).toList();
    }
  }
}
