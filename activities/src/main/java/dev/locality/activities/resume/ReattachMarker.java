package dev.locality.activities.resume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * The file {@value #FILE_NAME} in a session directory whose pipeline allows same-host resume: it
 * records the session's re-attach window and lease heartbeat timeout, and its modification time is
 * refreshed by the lease at every heartbeat while the worker lives. When the worker process dies
 * the file stops being touched; the pipeline notices the loss at most one heartbeat timeout later
 * and then offers the session back to the worker id for the window. So the files are still wanted
 * until {@code lastTouch + heartbeatTimeout + window + }{@link #SLACK}: {@link #keepUntil} tells a
 * janitor how long to leave the directory alone (it cannot ask the workflow).
 *
 * <p>Writes are atomic (temporary file, then rename); a marker that cannot be read counts as absent
 * (the directory is then ordinary leftovers). Stateless, thread-safe.
 */
public final class ReattachMarker {
  /** Name of the marker inside the session directory. */
  public static final String FILE_NAME = ".reattach";

  /**
   * Added to the window: covers the workflow task that turns the lost lease into the re-attach
   * offer (a workflow task timeout of 3 s, a failover decision) and clock differences on one host.
   */
  public static final Duration SLACK = Duration.ofSeconds(30);

  private ReattachMarker() {}

  /**
   * Writes the marker into {@code sessionDir}.
   *
   * @param window the pipeline's reattachTimeout (positive)
   * @param heartbeatTimeout the lease's heartbeat timeout
   */
  public static void write(
      Path sessionDir, Duration window, Duration heartbeatTimeout, String workflowId)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("window", Long.toString(window.toMillis()));
    p.setProperty(
        "heartbeatTimeout",
        Long.toString(heartbeatTimeout == null ? 0 : heartbeatTimeout.toMillis()));
    p.setProperty("workflowId", workflowId == null ? "" : workflowId);
    StringBuilder text =
        new StringBuilder("# Locality: keep this session for a restarted worker\n");
    for (String key : p.stringPropertyNames()) {
      text.append(key).append('=').append(p.getProperty(key)).append('\n');
    }
    Path temporary = sessionDir.resolve(FILE_NAME + ".new");
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    Files.move(
        temporary,
        sessionDir.resolve(FILE_NAME),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Refreshes the marker's time (the worker is alive); does nothing when there is none. */
  public static void touch(Path sessionDir) throws IOException {
    try {
      Files.setLastModifiedTime(sessionDir.resolve(FILE_NAME), FileTime.from(Instant.now()));
    } catch (NoSuchFileException absent) {
      // a session without same-host resume, or one being deleted
    }
  }

  /** Whether {@code sessionDir} holds a marker. */
  public static boolean isPresent(Path sessionDir) {
    return Files.isRegularFile(sessionDir.resolve(FILE_NAME), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Until when the session's files may still be re-attached, or {@link Instant#MIN} when the
   * directory has no readable marker (it is not kept for anyone).
   */
  public static Instant keepUntil(Path sessionDir) {
    Path file = sessionDir.resolve(FILE_NAME);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return Instant.MIN;
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      long window = Long.parseLong(p.getProperty("window", "0"));
      long heartbeat = Long.parseLong(p.getProperty("heartbeatTimeout", "0"));
      if (window <= 0) return Instant.MIN;
      Instant touched = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
      return touched.plusMillis(heartbeat).plusMillis(window).plus(SLACK);
    } catch (IOException | RuntimeException unreadable) {
      return Instant.MIN;
    }
  }

  /** Whether the session in {@code sessionDir} may still be re-attached at {@code now}. */
  public static boolean isReattachable(Path sessionDir, Instant now) {
    return now.isBefore(keepUntil(sessionDir));
  }
}
