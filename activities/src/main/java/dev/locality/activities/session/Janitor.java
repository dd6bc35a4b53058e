package dev.locality.activities.session;

import dev.locality.activities.resume.ReattachMarker;
import dev.locality.stage.runtime.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the incarnation directories of dead worker processes under a work root: at start-up and
 * then every {@code period}. It considers only directories Locality created ({@link
 * WorkRoot#isIncarnation}: an {@code inc-…} name and the marker file); anything else in the work
 * root (a user's data when the work root was pointed at a shared directory) is never touched. An
 * incarnation is dead when its {@link WorkRoot#LOCK_FILE} can be locked (no live process holds it).
 * It never deletes its own incarnation, a directory whose lock is held (by another process, or by
 * another {@link WorkRoot} in this JVM, which Java reports as an {@link
 * OverlappingFileLockException}), or an incarnation without a lock file whose marker was touched
 * within {@link #UNLOCKED_GRACE} (its owner may be starting, or re-creating a lock file a tmp
 * cleaner removed: live owners touch their marker at every sweep, see {@link
 * WorkRoot#keepAlive()}).
 *
 * <p>Same-host resume: inside a dead incarnation, a session directory whose {@link ReattachMarker}
 * window has not passed is kept (the workflow may still offer it back to a restarted worker with
 * the same worker id, which then takes it over with {@link WorkRoot#adopt}); the rest of the
 * incarnation is deleted at once, and the kept directories by the first sweep after their window.
 *
 * <p>Sweeps are serialised; {@link #sweep()} may also be called directly. Thread-safe.
 */
public final class Janitor implements AutoCloseable {
  /** Default time between sweeps. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(60);

  /**
   * How long ago the marker of an incarnation without a lock file must have been touched before it
   * counts as abandoned. Live owners touch it at least every {@link #KEEP_ALIVE_PERIOD}.
   */
  public static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);

  /** How often a worker proves its own incarnation alive ({@link WorkRoot#keepAlive()}). */
  public static final Duration KEEP_ALIVE_PERIOD = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(Janitor.class);

  private final WorkRoot workRoot;
  private final Duration period;
  private final Consumer<Path> onDeleted;
  private ScheduledExecutorService scheduler;

  public Janitor(WorkRoot workRoot, Duration period) {
    this(workRoot, period, dir -> {});
  }

  /**
   * @param onDeleted told of every directory a sweep deleted, on the sweeping thread (metrics);
   *     must be quick and must not throw
   */
  public Janitor(WorkRoot workRoot, Duration period, Consumer<Path> onDeleted) {
    if (period.isNegative() || period.isZero())
      throw new IllegalArgumentException("janitor period must be positive, got " + period);
    this.workRoot = workRoot;
    this.period = period;
    this.onDeleted = onDeleted;
  }

  /** Sweeps once now, then every period on a daemon thread. Call once. */
  public synchronized void start() {
    if (scheduler != null) throw new IllegalStateException("janitor already started");
    sweepQuietly();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "locality-janitor");
              t.setDaemon(true);
              return t;
            });
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
    long keepAlive = Math.min(millis, KEEP_ALIVE_PERIOD.toMillis());
    scheduler.scheduleWithFixedDelay(
        this::keepAliveQuietly, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
  }

  private void keepAliveQuietly() {
    try {
      workRoot.keepAlive();
    } catch (IOException | RuntimeException e) {
      log.warn("could not refresh the lock of {}: {}", workRoot.incarnationDir(), e.toString());
    }
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (IOException | RuntimeException e) {
      log.warn("work root sweep of {} failed: {}", workRoot.root(), e.toString());
    }
  }

  /**
   * Deletes every dead incarnation directory under the work root once.
   *
   * @return the directories deleted
   */
  public synchronized List<Path> sweep() throws IOException {
    workRoot.keepAlive();
    List<Path> deleted = new ArrayList<>();
    List<Path> candidates;
    try (var entries = Files.list(workRoot.root())) {
      candidates =
          entries
              .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
              .filter(WorkRoot::isIncarnation)
              .toList();
    }
    for (Path dir : candidates) {
      if (dir.getFileName().toString().equals(workRoot.incarnation())) continue;
      try {
        boolean dead;
        synchronized (workRoot.deadIncarnationsMonitor()) {
          dead = deleteIfDead(dir);
        }
        if (dead) {
          deleted.add(dir);
          onDeleted.accept(dir);
          log.info("deleted work directory {} of a stopped worker process", dir);
        }
      } catch (IOException e) {
        log.warn("could not clean {}: {}", dir, e.toString());
      }
    }
    return deleted;
  }

  private static boolean deleteIfDead(Path dir) throws IOException {
    Path lockFile = dir.resolve(WorkRoot.LOCK_FILE);
    if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
      Instant touched = Files.getLastModifiedTime(dir.resolve(WorkRoot.MARKER_FILE)).toInstant();
      if (touched.isAfter(Instant.now().minus(UNLOCKED_GRACE))) return false;
      return deleteUnlessReattachable(dir);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    } catch (NoSuchFileException vanished) {
      return false; // its owner is closing it right now
    }
    try (channel) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        return false;
      }
      if (lock == null) return false;
      try {
        return deleteUnlessReattachable(dir);
      } finally {
        lock.release();
      }
    }
  }

  /**
   * Deletes the dead incarnation {@code dir}, except the session directories a restarted worker may
   * still re-attach ({@link ReattachMarker#isReattachable}: the pipeline's reattachTimeout has not
   * passed since the dead process last touched the marker). While one is kept, the incarnation
   * directory (with its lock file and marker) stays and everything else in it is deleted; a later
   * sweep deletes the rest once the window has passed.
   *
   * @return whether the whole incarnation directory was deleted
   */
  private static boolean deleteUnlessReattachable(Path dir) throws IOException {
    Instant now = Instant.now();
    List<Path> kept = new ArrayList<>();
    List<Path> other = new ArrayList<>();
    try (var children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
            && ReattachMarker.isReattachable(child, now)) kept.add(child);
        else other.add(child);
      }
    }
    if (kept.isEmpty()) {
      FileTrees.deleteRecursively(dir);
      return true;
    }
    for (Path child : other) {
      String name = child.getFileName().toString();
      if (name.equals(WorkRoot.LOCK_FILE) || name.equals(WorkRoot.MARKER_FILE)) continue;
      FileTrees.deleteRecursively(child);
    }
    log.info(
        "kept {} session director{} of stopped worker process {} for re-attachment",
        kept.size(),
        kept.size() == 1 ? "y" : "ies",
        dir);
    return false;
  }

  /** Stops the periodic sweeps. Idempotent. */
  @Override
  public synchronized void close() {
    if (scheduler != null) scheduler.shutdownNow();
  }
}
