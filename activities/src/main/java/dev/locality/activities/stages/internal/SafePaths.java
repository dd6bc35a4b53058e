package dev.locality.activities.stages.internal;

import dev.locality.stage.BadInputException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Resolves names taken from untrusted input (archive entries) so they stay inside a directory. */
public final class SafePaths {
  private SafePaths() {}

  /**
   * The path of entry {@code name} inside {@code dir}.
   *
   * @param where names the source for messages, for example {@code "archive data.tar.gz"}
   * @throws BadInputException when the name is absolute, contains a NUL, or escapes {@code dir}
   *     with {@code ..} ("zip slip")
   */
  public static Path resolveInside(Path dir, String name, String where) {
    if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
      throw new BadInputException(
          "entry '" + name + "' in " + where + " has an absolute path; refusing to extract it");
    }
    Path base = dir.toAbsolutePath().normalize();
    Path target;
    try {
      target = base.resolve(name).normalize();
    } catch (InvalidPathException e) {
      throw new BadInputException(
          "entry '" + name + "' in " + where + " has an invalid name: " + e.getMessage(), e);
    }
    if (!target.startsWith(base) || target.equals(base)) {
      throw new BadInputException(
          "entry '"
              + name
              + "' in "
              + where
              + " points outside the output directory (path traversal with '..'); refusing to"
              + " extract it");
    }
    return target;
  }
}
