package dev.locality.activities.session;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.locality.stage.runtime.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The part of a work root that belongs to this worker process: {@code workRoot/<incarnation>/},
 * where the incarnation is a random id chosen at process start ({@code inc-<hex>}). The directory
 * holds a marker file ({@value #MARKER_FILE}) that says Locality created it: a {@link Janitor}
 * deletes nothing without one, so pointing the work root at a directory holding other data never
 * loses it. The process holds an exclusive file lock on {@code <incarnation>/.lock} while alive, so
 * a janitor of any process can tell a live incarnation from the leftovers of a crashed one (the OS
 * frees the lock when a process dies, even after {@code kill -9}). {@link #keepAlive()} touches
 * both files and re-creates a lock file that something deleted (a tmp cleaner), so their age never
 * makes a live incarnation look abandoned.
 *
 * <p>Session directories live directly below the incarnation directory. Thread-safe. {@link
 * #close()} releases the lock and deletes the incarnation directory; call it once, on shutdown.
 */
public final class WorkRoot implements AutoCloseable {
  /** Name of the lock file inside every incarnation directory. */
  public static final String LOCK_FILE = ".lock";

  /** Name of the file that marks a directory as a Locality incarnation directory. */
  public static final String MARKER_FILE = ".locality-incarnation";

  /** Names of incarnation directories; a janitor considers no other name. */
  public static final Pattern INCARNATION_NAME = Pattern.compile("inc-[A-Za-z0-9]{1,64}");

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final String incarnation;
  private final Path incarnationDir;
  private FileChannel lockChannel;
  private FileLock lock;
  private final List<FileChannel> replacedLocks = new ArrayList<>();

  /**
   * Held while this process locks another (dead) incarnation: by the janitor's sweep and by {@link
   * #adopt}. Two descriptors of one lock file in one process would drop each other's POSIX lock on
   * close, so they never overlap.
   */
  private final Object deadIncarnations = new Object();

  private WorkRoot(Path root, String incarnation, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.incarnation = incarnation;
    this.incarnationDir = root.resolve(incarnation);
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Whether {@code dir} is an incarnation directory Locality created: its name matches {@link
   * #INCARNATION_NAME} and it holds the {@value #MARKER_FILE} marker.
   */
  public static boolean isIncarnation(Path dir) {
    return INCARNATION_NAME.matcher(dir.getFileName().toString()).matches()
        && Files.isRegularFile(dir.resolve(MARKER_FILE), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Creates a fresh incarnation directory under {@code root} (creating {@code root} if needed) and
   * locks it for the lifetime of this object.
   *
   * @throws IOException when the directory cannot be created or locked
   */
  public static WorkRoot open(Path root) throws IOException {
    Path absRoot = root.toAbsolutePath().normalize();
    Files.createDirectories(absRoot);
    String incarnation = newIncarnationId();
    Path dir = Files.createDirectory(absRoot.resolve(incarnation));
    // Lock first, marker last: a janitor considers only marked directories, and once the marker
    // exists the lock file is in place and held (it is locked before it gets its name).
    Held held = lockFile(dir);
    Files.writeString(
        dir.resolve(MARKER_FILE),
        "Locality worker work directory (incarnation "
            + incarnation
            + ", pid "
            + ProcessHandle.current().pid()
            + "); deleted by Locality once its process is gone\n",
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    return new WorkRoot(absRoot, incarnation, held.channel(), held.lock());
  }

  /** A lock file this process holds open and locked. */
  private record Held(FileChannel channel, FileLock lock) {}

  /**
   * Creates {@code dir/.lock} already locked: the file is created and locked under a temporary
   * name, then renamed into place (the lock follows the file), so no janitor ever finds an unlocked
   * lock file of a live process.
   */
  private static Held lockFile(Path dir) throws IOException {
    Path temporary =
        dir.resolve(LOCK_FILE + ".new-" + HexFormat.of().toHexDigits(RANDOM.nextInt()));
    FileChannel channel = FileChannel.open(temporary, CREATE_NEW, WRITE);
    FileLock lock = lockOrClose(channel, dir);
    try {
      Files.move(temporary, dir.resolve(LOCK_FILE), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(temporary);
      throw e;
    }
    return new Held(channel, lock);
  }

  private static FileLock lockOrClose(FileChannel channel, Path dir) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("could not lock the work directory " + dir);
    }
    String owner = ProcessHandle.current().pid() + "\n";
    channel.write(java.nio.ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
    return lock;
  }

  /**
   * Proves this incarnation is alive to anything that judges files by age: touches the marker and
   * the lock file, and when the lock file was deleted (a tmp cleaner; this process's lock lives on
   * with the deleted file, invisible to others) creates and locks a new one. Called by the janitor
   * before every sweep. Idempotent.
   *
   * @throws IOException when the files cannot be touched or re-created
   */
  public synchronized void keepAlive() throws IOException {
    if (!lockChannel.isOpen()) return;
    FileTime now = FileTime.from(Instant.now());
    Path lockFile = incarnationDir.resolve(LOCK_FILE);
    if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
      Held fresh = lockFile(incarnationDir);
      replacedLocks.add(lockChannel);
      lockChannel = fresh.channel();
      lock = fresh.lock();
    }
    Path marker = incarnationDir.resolve(MARKER_FILE);
    if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS))
      Files.writeString(
          marker, "Locality worker work directory (incarnation " + incarnation + ")\n");
    Files.setLastModifiedTime(marker, now);
    // Touch the lock file through the channel that holds the lock. Never through its path: the JDK
    // sets times through a descriptor of its own, and closing any descriptor of a file drops this
    // process's POSIX lock on it (a live incarnation would look dead to every other janitor).
    String owner = ProcessHandle.current().pid() + "\n";
    lockChannel.write(java.nio.ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
  }

  private static String newIncarnationId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return "inc-" + HexFormat.of().formatHex(bytes);
  }

  /** The shared work root that holds every process's incarnation directory. */
  public Path root() {
    return root;
  }

  /** This process's random incarnation id (the name of its directory). */
  public String incarnation() {
    return incarnation;
  }

  /** {@code root/<incarnation>}: everything this process writes lives below it. */
  public Path incarnationDir() {
    return incarnationDir;
  }

  /** Where a session's directory is (whether or not it exists). */
  public Path sessionPath(String sessionId) {
    return incarnationDir.resolve(safeName(sessionId));
  }

  /** Creates (if missing) and returns the session's directory. Idempotent. */
  public Path sessionDir(String sessionId) throws IOException {
    return Files.createDirectories(sessionPath(sessionId));
  }

  /**
   * Same-host resume: moves the directory of session {@code previousSessionId}, left in the
   * incarnation directory of a dead process on this work root (same worker id, restarted), to this
   * process as the directory of {@code sessionId}. Considers only Locality incarnations ({@link
   * #isIncarnation}) other than this one, and only while holding the dead incarnation's lock, so no
   * janitor deletes the directory during the move and a live owner (whose lock is held: the old
   * process is not dead, e.g. only cut off from the server) never loses it. The move is a rename
   * within the work root: instant whatever the files' size.
   *
   * @return the session's new directory, or empty when no dead incarnation holds the session (the
   *     files were deleted, the work root is another one, or the owner is alive)
   * @throws IOException when the directory was found but could not be moved
   */
  public Optional<Path> adopt(String previousSessionId, String sessionId) throws IOException {
    synchronized (deadIncarnations) {
      return adoptLocked(safeName(previousSessionId), sessionId);
    }
  }

  private Optional<Path> adoptLocked(String name, String sessionId) throws IOException {
    List<Path> incarnations;
    try (var entries = Files.list(root)) {
      incarnations =
          entries
              .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
              .filter(WorkRoot::isIncarnation)
              .filter(p -> !p.getFileName().toString().equals(incarnation))
              .toList();
    }
    for (Path dead : incarnations) {
      Path previous = dead.resolve(name);
      if (!Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) continue;
      Optional<Path> moved = moveLocked(dead, previous, sessionPath(sessionId));
      if (moved.isPresent()) return moved;
    }
    return Optional.empty();
  }

  /**
   * Moves {@code from} (inside incarnation {@code dead}) to {@code to} while holding {@code dead}'s
   * lock; empty when the lock is held by a live process. A janitor of this JVM holding it briefly
   * (its sweep) is waited for.
   */
  private static Optional<Path> moveLocked(Path dead, Path from, Path to) throws IOException {
    Path lockFile = dead.resolve(LOCK_FILE);
    if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = null;
      for (int tries = 0; lock == null && tries < 50; tries++) {
        try {
          lock = channel.tryLock();
          if (lock == null) return Optional.empty(); // another process holds it: alive
        } catch (java.nio.channels.OverlappingFileLockException sweepInThisJvm) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + lockFile, e);
          }
        }
      }
      if (lock == null) return Optional.empty();
      try {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        return Optional.of(Files.move(from, to, StandardCopyOption.ATOMIC_MOVE));
      } finally {
        lock.release();
      }
    }
  }

  /** The monitor to hold while locking another incarnation's lock file (see {@link #adopt}). */
  Object deadIncarnationsMonitor() {
    return deadIncarnations;
  }

  /** Deletes the session's directory and everything in it. Idempotent. */
  public void deleteSessionDir(String sessionId) throws IOException {
    FileTrees.deleteRecursively(sessionPath(sessionId));
  }

  /** Whether this object still holds its lock. */
  public boolean isLocked() {
    return lock.isValid();
  }

  /**
   * A directory name for an id: the id itself when it is a plain file name, else the id with unsafe
   * characters replaced plus a hash of the original, so distinct ids never share a name and no id
   * can name a path outside the incarnation directory.
   */
  public static String safeName(String id) {
    Objects.requireNonNull(id, "id");
    if (SAFE.matcher(id).matches()) return id;
    String cleaned = id.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    if (cleaned.length() > 80) cleaned = cleaned.substring(0, 80);
    return cleaned + "-" + shortHash(id);
  }

  private static String shortHash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Releases the lock and deletes the incarnation directory. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (!lockChannel.isOpen()) return;
    try (var children = Files.list(incarnationDir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (!child.getFileName().toString().equals(LOCK_FILE)) FileTrees.deleteRecursively(child);
      }
    }
    try {
      lock.release();
    } finally {
      lockChannel.close();
      for (FileChannel old : replacedLocks) old.close();
    }
    FileTrees.deleteRecursively(incarnationDir);
  }

  @Override
  public String toString() {
    return incarnationDir.toString();
  }
}
