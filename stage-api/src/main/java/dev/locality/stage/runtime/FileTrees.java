package dev.locality.stage.runtime;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Recursive deletion of work directories. Stateless and thread-safe. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code dir} and everything below it, without following symbolic links. Idempotent: a
   * missing directory, or files vanishing while it runs (another deleter), are not errors.
   *
   * @throws IOException when something that exists cannot be deleted
   */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) throw e;
              try {
                Files.deleteIfExists(d);
              } catch (DirectoryNotEmptyException raced) {
                deleteRecursively(d); // something was created meanwhile: go again
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException gone) {
      // deleted concurrently: the goal is reached
    }
  }
}
