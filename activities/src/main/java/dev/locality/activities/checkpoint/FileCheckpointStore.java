package dev.locality.activities.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * A checkpoint store in a directory ({@code file:///dir/}): keys are relative paths below it.
 * Objects are written to a temporary file next to their place and renamed into it, so a reader
 * never sees a partial object. For tests and hosts that share a file system; thread-safe.
 */
final class FileCheckpointStore implements CheckpointStore {
  private static final int BUFFER = 1 << 16;

  private final Path root;

  FileCheckpointStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public void put(String key, Path file, String sha256, Runnable heartbeat, Runnable beforeCommit)
      throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
    try {
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = Files.newOutputStream(temp)) {
        byte[] buffer = new byte[BUFFER];
        int n;
        long sinceBeat = 0;
        while ((n = in.read(buffer)) > 0) {
          out.write(buffer, 0, n);
          sinceBeat += n;
          if (sinceBeat >= 8L << 20) {
            heartbeat.run();
            sinceBeat = 0;
          }
        }
      }
      beforeCommit.run();
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public void putBytes(String key, byte[] content, Runnable beforeCommit) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
    try {
      Files.write(temp, content);
      beforeCommit.run();
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    Path file = resolve(key);
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(describe(key));
    return Files.newInputStream(file);
  }

  @Override
  public int deleteAll(String prefix, Runnable heartbeat) throws IOException {
    Path dir = resolve(prefix);
    if (!Files.isDirectory(dir)) return 0;
    int[] deleted = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            deleted[0]++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) throw e;
            Files.delete(d);
            heartbeat.run();
            return FileVisitResult.CONTINUE;
          }
        });
    return deleted[0];
  }

  @Override
  public String describe(String key) {
    return "file://" + root + "/" + key;
  }

  private Path resolve(String key) throws IOException {
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root)) throw new IOException("key " + key + " leaves the store " + root);
    return path;
  }
}
