package dev.locality.stage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The size and SHA-256 of the outputs one stage attempt wrote through {@link
 * StageContext#createOutput} or {@link StageContext#resumeOutput}, computed while they were
 * written: the bookkeeping behind those methods and {@link StageContext#artifact} in the
 * framework's {@code StageContext} ({@link dev.locality.stage.runtime.AttemptContext}, which the
 * worker and the test kit share).
 *
 * <p>A digest is recorded when its stream closes, keyed by the file's identity (its file key, the
 * inode on Unix, or its path where the file system has none) together with its size and
 * modification time. {@link #describe} uses it while all three still match, so a file renamed
 * within the file system (a finished download moved into the output directory) keeps its digest,
 * and a file changed after closing is read again.
 *
 * <p><b>Heartbeat duty:</b> every pass over file bytes here calls the given heartbeat at least
 * every {@value #HEARTBEAT_BYTES} bytes: reading back a resumed prefix and describing a file that
 * was not written through this class.
 *
 * <p>Thread-safe: streams of one attempt may be written and closed on several threads.
 */
public final class OutputDigests {
  /** Bytes read between two heartbeats when a file has to be read (4 MiB). */
  public static final int HEARTBEAT_BYTES = 4 << 20;

  private static final int BUFFER = 64 * 1024;

  private record Recorded(long bytes, FileTime modified, String sha256) {}

  private final Map<Object, Recorded> recorded = new ConcurrentHashMap<>();

  /**
   * Creates {@code file} (and its missing parent directories) for writing; it must not exist.
   *
   * @throws java.nio.file.FileAlreadyExistsException when it exists
   */
  public HashingOutputStream create(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new HashingOutputStream(out, null, 0, closed -> record(file, closed));
  }

  /**
   * Opens {@code file} (created when missing) to append after its first {@code keep} bytes,
   * dropping anything after them; those bytes are digested first, heartbeating.
   *
   * @throws IOException when the file is shorter than {@code keep}
   */
  public HashingOutputStream resume(Path file, long keep, Runnable heartbeat) throws IOException {
    if (keep < 0) throw new IllegalArgumentException("keep " + keep + " < 0");
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (channel.size() < keep) {
        throw new IOException(
            file + " holds " + channel.size() + " bytes, fewer than the " + keep + " to keep");
      }
      channel.truncate(keep);
      MessageDigest digest = HashingOutputStream.newDigest();
      digestPrefix(file, keep, digest, heartbeat);
      channel.position(keep);
      return new HashingOutputStream(
          Channels.newOutputStream(channel), digest, keep, closed -> record(file, closed));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Describes {@code file} with the digest recorded when it was written, or else by reading it
   * (heartbeating every {@value #HEARTBEAT_BYTES} bytes). The caller checks that {@code file} lies
   * inside {@code sessionDir}.
   *
   * @throws IOException when the file cannot be read or is not a regular file
   */
  public Artifact describe(Path sessionDir, Path file, long rows, Runnable heartbeat)
      throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) throw new IOException(file + " is not a regular file");
    String relative =
        sessionDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    Recorded known = recorded.get(key(file, attributes));
    if (known != null
        && known.bytes() == attributes.size()
        && known.modified().equals(attributes.lastModifiedTime())) {
      return new Artifact(relative, known.bytes(), known.sha256(), rows);
    }
    MessageDigest digest = HashingOutputStream.newDigest();
    long size = digestPrefix(file, Long.MAX_VALUE, digest, heartbeat);
    return new Artifact(relative, size, HexFormat.of().formatHex(digest.digest()), rows);
  }

  /** Whether a digest is recorded for {@code file} as it is now (for tests). */
  public boolean isRecorded(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    Recorded known = recorded.get(key(file, attributes));
    return known != null
        && known.bytes() == attributes.size()
        && known.modified().equals(attributes.lastModifiedTime());
  }

  private void record(Path file, HashingOutputStream closed) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (attributes.size() != closed.bytes()) return; // someone else wrote too: read it later
      recorded.put(
          key(file, attributes),
          new Recorded(closed.bytes(), attributes.lastModifiedTime(), closed.sha256()));
    } catch (IOException e) {
      // not recorded: describe() reads the file instead
    }
  }

  private static Object key(Path file, BasicFileAttributes attributes) {
    Object key = attributes.fileKey();
    return key != null ? key : file.toAbsolutePath().normalize();
  }

  /** Digests up to {@code limit} bytes of {@code file}; returns how many there were. */
  private static long digestPrefix(Path file, long limit, MessageDigest digest, Runnable heartbeat)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long done = 0;
    long sinceHeartbeat = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (done < limit) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - done));
        if (n < 0) break;
        digest.update(buffer, 0, n);
        done += n;
        sinceHeartbeat += n;
        if (sinceHeartbeat >= HEARTBEAT_BYTES) {
          heartbeat.run();
          sinceHeartbeat = 0;
        }
      }
    }
    if (limit != Long.MAX_VALUE && done < limit) {
      throw new IOException(file + " shrank to " + done + " bytes while being read");
    }
    return done;
  }
}
