package dev.locality.activities.stages.upload;

import dev.locality.activities.stages.internal.StreamCopy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Publishes a file so readers see either the old target or the complete new one: the content is
 * written to {@code .<file>.<random>.tmp} in the target's directory, forced to disk, then renamed
 * over the target atomically (replacing it); the directory is synced by the caller once it has
 * published every file into it ({@link #syncDirectories}), before it reports the files as written,
 * so a many-file upload pays one directory sync per directory, not one per file. The caller's fence
 * check runs immediately before the rename, the commit point. On failure, including a failed fence
 * check, the temporary file is deleted and the target is left as it was. The copy is forced to disk
 * every {@value #SYNC_BYTES} bytes as it goes, so the final force (during which nobody heartbeats)
 * has little left to write whatever the file's size. Thread-safe (stateless).
 */
final class AtomicFileWriter {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Bytes written between two forces to disk (64 MiB). */
  static final long SYNC_BYTES = 64L << 20;

  private AtomicFileWriter() {}

  /**
   * Copies {@code source} to {@code target}.
   *
   * @param progress called with bytes copied so far
   * @param beforeCommit the fence check, run once immediately before the rename into place; an
   *     exception it throws prevents the rename and propagates unchanged
   * @param renamedInto collects the target's directory, to be synced with {@link #syncDirectories}
   *     after the last file
   * @return bytes written
   */
  static long publish(
      Path source,
      Path target,
      LongConsumer progress,
      Runnable beforeCommit,
      java.util.Set<Path> renamedInto)
      throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    Path temp =
        dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(random) + ".tmp");
    try {
      long bytes;
      try (InputStream in = Files.newInputStream(source);
          FileChannel channel =
              FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long[] synced = {0};
        bytes =
            StreamCopy.copy(
                in,
                Channels.newOutputStream(channel),
                null,
                done -> {
                  if (done - synced[0] >= SYNC_BYTES) {
                    forceQuietly(channel);
                    synced[0] = done;
                  }
                  progress.accept(done);
                });
        channel.force(true);
      }
      beforeCommit.run();
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            "cannot rename " + temp + " to " + target + " atomically: " + e.getMessage(), e);
      }
      renamedInto.add(dir);
      return bytes;
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
  }

  private static void forceQuietly(FileChannel channel) {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Makes the renames into {@code dirs} durable. */
  static void syncDirectories(java.util.Collection<Path> dirs) {
    dirs.forEach(AtomicFileWriter::syncDirectory);
  }

  /** Makes the rename durable; not every platform can open a directory, which is fine. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the rename itself is atomic
    }
  }
}
