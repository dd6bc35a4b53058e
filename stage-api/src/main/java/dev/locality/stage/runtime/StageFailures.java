package dev.locality.stage.runtime;

import dev.locality.stage.BadInputException;
import dev.locality.stage.RedactedUrl;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts what a stage attempt threw into the classes the worker and the workflow act on. The first
 * matching rule wins, looking through the whole cause chain:
 *
 * <ol>
 *   <li>{@link OutOfMemoryError} → {@link Kind#WORKER_RESOURCES}: retrying in place on a worker
 *       whose heap is exhausted only repeats it; another worker may have more memory.
 *   <li>Disk full ({@code ENOSPC} "No space left on device", {@code EDQUOT} "Disk quota exceeded")
 *       → {@link Kind#DISK_FULL}: transient on this worker (space may be freed), retried in place
 *       within the stage's attempts, then counts against the session — even when a stage wrapped it
 *       in a {@link BadInputException}.
 *   <li>{@link BadInputException} → {@link Kind#BAD_INPUT}.
 *   <li>{@link AccessDeniedException} on a path inside the session directory → {@link
 *       Kind#WORKER_RESOURCES} (the worker's own disk is broken); on any other path (a file the
 *       user named) → {@link Kind#BAD_INPUT}.
 *   <li>{@link FileAlreadyExistsException} → {@link Kind#BAD_INPUT}: every attempt writes into a
 *       fresh directory, so two outputs with one name come from the input (entry names, an existing
 *       upload target) and would collide again on every retry.
 *   <li>"File name too long" ({@code ENAMETOOLONG}) → {@link Kind#BAD_INPUT}: names come from the
 *       input.
 *   <li>Anything else → {@link Kind#TRANSIENT}.
 * </ol>
 *
 * The worker maps the class to what the orchestrator sees; the test kit and the worker both use it
 * to decide whether a failed attempt's resume files stay for the next attempt ({@link
 * Kind#keepsResumeFiles()}).
 *
 * <p><b>Secrets never leave the worker.</b> Built-in stages print URLs {@linkplain RedactedUrl
 * redacted}, but a plugin stage or a library may not: {@link #describe} and {@link #redacted} are
 * the safety net every failure passes before it is logged or sent to Temporal. They redact the
 * userinfo, query string and fragment of every URL in the message and in the whole cause chain.
 * Stateless and thread-safe.
 */
public final class StageFailures {
  /** The classes of failure. */
  public enum Kind {
    /** Fail the pipeline at once. */
    BAD_INPUT,
    /** Never retry here: fail over to another worker at once. */
    WORKER_RESOURCES,
    /** Transient; the attempt's partial output must go (it holds the space). */
    DISK_FULL,
    /** Retry in place (bounded by the stage's attempts), then fail over. */
    TRANSIENT;

    /** Whether the next attempt may resume from the failed attempt's resume files. */
    public boolean keepsResumeFiles() {
      return this == TRANSIENT;
    }
  }

  private StageFailures() {}

  public static Kind classify(Throwable failure, Path sessionDir) {
    if (find(failure, OutOfMemoryError.class) != null) return Kind.WORKER_RESOURCES;
    if (diskFull(failure) != null) return Kind.DISK_FULL;
    if (failure instanceof BadInputException) return Kind.BAD_INPUT;
    AccessDeniedException denied = find(failure, AccessDeniedException.class);
    if (denied != null) {
      return insideSession(denied, sessionDir) ? Kind.WORKER_RESOURCES : Kind.BAD_INPUT;
    }
    if (find(failure, FileAlreadyExistsException.class) != null) return Kind.BAD_INPUT;
    if (nameTooLong(failure) != null) return Kind.BAD_INPUT;
    return Kind.TRANSIENT;
  }

  /**
   * A message for the failure, naming the cause a user or operator can act on, with every URL in it
   * {@linkplain RedactedUrl#inText redacted}.
   */
  public static String describe(Throwable failure, Path sessionDir) {
    return RedactedUrl.inText(describeInClear(failure, sessionDir));
  }

  /**
   * {@code failure} as it may be logged or sent to Temporal: the same instance when no message in
   * it, its causes or its suppressed exceptions holds a URL secret; otherwise a chain of {@link
   * RedactedFailure}s that keeps every class name, stack trace and message, with every URL
   * {@linkplain RedactedUrl#inText redacted}. Never classify the result ({@link #classify} reads
   * the original's types); use it only for text that leaves the attempt.
   */
  public static Throwable redacted(Throwable failure) {
    if (failure == null
        || !holdsSecret(failure, Collections.newSetFromMap(new IdentityHashMap<>())))
      return failure;
    return copy(failure, new IdentityHashMap<>());
  }

  private static boolean holdsSecret(Throwable t, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) return false;
    String message = t.getMessage();
    if (message != null && !RedactedUrl.inText(message).equals(message)) return true;
    if (t.toString() != null && !RedactedUrl.inText(t.toString()).equals(t.toString())) return true;
    for (Throwable s : t.getSuppressed()) if (holdsSecret(s, seen)) return true;
    return holdsSecret(t.getCause(), seen);
  }

  private static RedactedFailure copy(
      Throwable t, IdentityHashMap<Throwable, RedactedFailure> done) {
    RedactedFailure known = done.get(t);
    if (known != null) return known;
    String className = t instanceof RedactedFailure r ? r.originalClass() : t.getClass().getName();
    RedactedFailure copy =
        new RedactedFailure(className, RedactedUrl.inText(t.getMessage()), t.getStackTrace());
    done.put(t, copy);
    Throwable cause = t.getCause();
    if (cause != null && cause != t) copy.initCause(copy(cause, done));
    for (Throwable s : t.getSuppressed()) {
      RedactedFailure suppressed = copy(s, done);
      if (suppressed != copy) copy.addSuppressed(suppressed);
    }
    return copy;
  }

  private static String describeInClear(Throwable failure, Path sessionDir) {
    IOException full = diskFull(failure);
    if (full != null) return "disk full on the worker: " + text(full);
    OutOfMemoryError oom = find(failure, OutOfMemoryError.class);
    if (oom != null) return "the worker ran out of memory (" + text(oom) + ")";
    AccessDeniedException denied = find(failure, AccessDeniedException.class);
    if (denied != null) {
      return insideSession(denied, sessionDir)
          ? "permission denied on the worker's work directory: " + text(denied)
          : "permission denied: " + text(denied);
    }
    FileAlreadyExistsException exists = find(failure, FileAlreadyExistsException.class);
    if (exists != null) {
      return "two outputs have the same name, or the target exists already: "
          + relative(exists.getFile(), sessionDir);
    }
    FileSystemException tooLong = nameTooLong(failure);
    if (tooLong != null) {
      return "file name too long for the worker's file system: "
          + relative(tooLong.getFile(), sessionDir);
    }
    return text(failure);
  }

  private static IOException diskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException io && io.getMessage() != null) {
        String m = io.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("no space left on device") || m.contains("disk quota exceeded")) return io;
      }
    }
    return null;
  }

  private static FileSystemException nameTooLong(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileSystemException fs
          && fs.getReason() != null
          && fs.getReason().toLowerCase(Locale.ROOT).contains("file name too long")) {
        return fs;
      }
    }
    return null;
  }

  private static boolean insideSession(FileSystemException e, Path sessionDir) {
    if (e.getFile() == null) return true; // no path: assume the worker's own file
    Path file = Path.of(e.getFile()).toAbsolutePath().normalize();
    return file.startsWith(sessionDir.toAbsolutePath().normalize());
  }

  private static String relative(String file, Path sessionDir) {
    if (file == null) return "(unknown file)";
    Path path = Path.of(file).toAbsolutePath().normalize();
    Path session = sessionDir.toAbsolutePath().normalize();
    return path.startsWith(session) ? session.relativize(path).toString() : file;
  }

  private static String text(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) return type.cast(t);
    }
    return null;
  }
}
