package dev.locality.activities.stages.upload;

import dev.locality.activities.stages.internal.ContainedDirectory;
import dev.locality.activities.stages.internal.OpenedFile;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.internal.StreamCopy;
import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a file so readers see either the old target or the complete new one: the content is
 * written to {@code .<file>.<random>.tmp} in the target's directory (created exclusively, never
 * through a link), forced to disk, then committed:
 *
 * <ul>
 *   <li><b>overwrite</b>: renamed over the target atomically, replacing it;
 *   <li><b>no overwrite</b>: hard-linked to the target's name, which fails atomically when the
 *       target exists, so of two concurrent writers exactly one wins; then the temporary name is
 *       removed. When the target exists with the same content (SHA-256, hashed while writing) it is
 *       a retried attempt's and is left alone; with other content the publication fails with a
 *       non-retryable "target exists" {@link BadInputException}. On a file system without hard
 *       links the target is first created empty and exclusively (the claim, equally atomic) and
 *       then replaced by the rename: readers may see it empty for that moment, and a crash between
 *       the two leaves the empty claim (a warning is logged).
 * </ul>
 *
 * <p>All of it happens inside a {@link ContainedDirectory}, the target's directory as the caller's
 * containment checked and opened it. The directory is synced by the caller once it has published
 * every file into it ({@link #syncDirectories}), before it reports the files as written. The
 * caller's fence check runs immediately before the commit. On failure, including a failed fence
 * check, the temporary file is deleted and the target is left as it was. The copy is forced to disk
 * every {@value #SYNC_BYTES} bytes as it goes, so the final force (during which nobody heartbeats)
 * has little left to write whatever the file's size. Thread-safe (stateless).
 */
final class AtomicFileWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicFileWriter.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Bytes written between two forces to disk (64 MiB). */
  static final long SYNC_BYTES = 64L << 20;

  /** What a publication did. */
  enum Outcome {
    /** The target now holds the source's content, written by this call. */
    WRITTEN,
    /** Without overwrite: the target already held the same content; it was left alone. */
    ALREADY_PRESENT
  }

  private AtomicFileWriter() {}

  /** The source's SHA-256, computed only when it is needed (heartbeating meanwhile). */
  @FunctionalInterface
  interface SourceDigest {
    String sha256() throws IOException;
  }

  /**
   * Publishes {@code source} as the file {@code name} in {@code dir}, by hard link when {@code
   * link} is set and possible, else by copy.
   *
   * <p><b>By link</b> (no copy): when {@code source} is a regular file (not a symbolic link) on the
   * target's file system, the temporary name becomes a second name of the source's inode, the
   * source is forced to disk (heartbeating through {@code progress} every second meanwhile), and
   * the commit is the same as for a copy. The published file then shares its bytes with the
   * worker's copy until the session directory is deleted; stages never modify files once written,
   * so neither changes. A source on another file system, or a file system without hard links, falls
   * back to the copy.
   *
   * <p><b>By copy</b>: the bytes go to a temporary name in {@code dir}, are forced to disk, and are
   * renamed over the target ({@code overwrite}) or linked to it exclusively (a target already
   * present with the same content is {@link Outcome#ALREADY_PRESENT}; with other content, bad
   * input).
   *
   * @param overwrite whether an existing target is replaced
   * @param digest the source's SHA-256, asked only by a linked exclusive commit that finds the
   *     target present (a copy hashes while it copies); may be null when {@code link} is false
   * @param progress called with bytes copied so far (also while hashing an existing target)
   * @param beforeCommit the fence check, run once immediately before the commit; an exception it
   *     throws prevents the commit and propagates unchanged
   * @throws BadInputException without overwrite, when the target exists with other content
   */
  static Outcome publish(
      Path source,
      ContainedDirectory dir,
      String name,
      boolean overwrite,
      boolean link,
      SourceDigest digest,
      LongConsumer progress,
      Runnable beforeCommit)
      throws IOException {
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    String temp = "." + name + "." + HexFormat.of().formatHex(random) + ".tmp";
    try {
      if (link && linked(source, dir, temp, progress)) {
        beforeCommit.run();
        if (!overwrite) {
          long bytes = Files.size(source);
          return commitExclusively(dir, temp, name, digest::sha256, bytes, progress);
        }
        dir.replace(temp, name);
        return Outcome.WRITTEN;
      }
      MessageDigest copied = Sha256.newDigest();
      long bytes = copy(source, dir, temp, copied, progress);
      beforeCommit.run();
      if (!overwrite) {
        String sha = Sha256.hex(copied);
        return commitExclusively(dir, temp, name, () -> sha, bytes, progress);
      }
      dir.replace(temp, name);
      return Outcome.WRITTEN;
    } finally {
      deleteQuietly(dir, temp); // gone after a commit; the partial copy after a failure
    }
  }

  private static long copy(
      Path source, ContainedDirectory dir, String temp, MessageDigest digest, LongConsumer progress)
      throws IOException {
    try (InputStream in = Files.newInputStream(source);
        FileChannel channel = dir.createFile(temp)) {
      long[] synced = {0};
      long bytes =
          StreamCopy.copy(
              in,
              Channels.newOutputStream(channel),
              digest,
              done -> {
                if (done - synced[0] >= SYNC_BYTES) {
                  forceQuietly(channel);
                  synced[0] = done;
                }
                progress.accept(done);
              });
      channel.force(true);
      return bytes;
    }
  }

  /**
   * Links {@code source} to {@code temp} in {@code dir} and forces it to disk; false (nothing done)
   * when it is not a regular file or cannot be linked there.
   */
  private static boolean linked(
      Path source, ContainedDirectory dir, String temp, LongConsumer progress) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()) return false;
    try {
      dir.linkFrom(source, temp);
    } catch (FileAlreadyExistsException e) {
      throw e; // a random temporary name taken: something is wrong, do not guess
    } catch (UnsupportedOperationException | FileSystemException e) {
      LOG.debug("cannot link {} into {} ({}): copying", source, dir.path(), e.toString());
      return false;
    }
    forceHeartbeating(source, attributes.size(), progress);
    return true;
  }

  /**
   * Forces the file to disk on its own thread while the caller's thread reports progress every
   * second (a force of many dirty gigabytes takes seconds, longer than a heartbeat may wait).
   */
  private static void forceHeartbeating(Path file, long size, LongConsumer progress)
      throws IOException {
    CompletableFuture<Void> forced = new CompletableFuture<>();
    Thread forcer =
        new Thread(
            () -> {
              try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.force(true);
                forced.complete(null);
              } catch (Throwable t) {
                forced.completeExceptionally(t);
              }
            },
            "locality-upload-force");
    forcer.setDaemon(true);
    forcer.start();
    while (true) {
      try {
        forced.get(1, TimeUnit.SECONDS);
        progress.accept(size);
        return;
      } catch (TimeoutException e) {
        progress.accept(0); // a heartbeat: throws when the session is lost or cancelled
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while forcing " + file);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) throw io;
        throw new IOException("cannot force " + file + " to disk", e.getCause());
      }
    }
  }

  private static Outcome commitExclusively(
      ContainedDirectory dir,
      String temp,
      String name,
      SourceDigest sha,
      long bytes,
      LongConsumer progress)
      throws IOException {
    try {
      try {
        dir.link(temp, name);
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (!noHardLinks(e)) throw e;
        LOG.warn(
            "{} has no hard links ({}): overwrite false claims {} with an empty file first",
            dir.path(),
            e.toString(),
            name);
        dir.createFile(name).close(); // the claim: fails when the target exists
        dir.replace(temp, name);
        return Outcome.WRITTEN;
      }
    } catch (FileAlreadyExistsException e) {
      if (holds(dir, name, sha.sha256(), bytes, progress)) return Outcome.ALREADY_PRESENT;
      throw new BadInputException(
          "target "
              + dir.path().resolve(name).toUri()
              + " exists and option 'overwrite' is false (written by someone else meanwhile, or"
              + " before); remove it or set overwrite: true",
          e);
    }
    return Outcome.WRITTEN; // the temporary name is removed by the caller
  }

  /** Whether the link failed because the file system has none (not because the target exists). */
  private static boolean noHardLinks(Exception e) {
    if (e instanceof UnsupportedOperationException) return true;
    if (e.getClass() != FileSystemException.class) return false; // exists, access denied, ...
    String reason = String.valueOf(((FileSystemException) e).getReason());
    return reason.contains("not permitted") || reason.contains("not supported");
  }

  /** Whether {@code name} holds exactly {@code bytes} bytes with SHA-256 {@code sha}. */
  static boolean holds(
      ContainedDirectory dir, String name, String sha, long bytes, LongConsumer progress)
      throws IOException {
    try (OpenedFile existing = dir.openRead(name)) {
      if (!existing.attributes().isRegularFile() || existing.attributes().size() != bytes) {
        return false;
      }
      return Sha256.of(existing.inputStream(), () -> progress.accept(bytes)).equals(sha);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (FileSystemException e) {
      return false; // a link or something else we will not read: not our content
    }
  }

  private static void deleteQuietly(ContainedDirectory dir, String temp) {
    try {
      dir.delete(temp);
    } catch (IOException e) {
      LOG.warn("cannot delete the temporary file {}: {}", dir.path().resolve(temp), e.toString());
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
    try (FileChannel channel = FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the rename itself is atomic
    }
  }
}
