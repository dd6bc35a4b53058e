package dev.locality.it.harness;

import dev.locality.activities.session.WorkRoot;
import dev.locality.api.session.TaskQueues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Locality worker as a child JVM ({@code java -jar <worker jar>}), connected to a Temporal
 * server through {@code TEMPORAL_ADDRESS}, with its own work root. Its standard output and error go
 * to {@link #logFile()}. A JVM shutdown hook kills it if the test JVM exits without closing it.
 *
 * <p>Failure injection: {@link #kill()} is SIGKILL (a crash: no cleanup, no drain), {@link #stop()}
 * is SIGTERM (a graceful drain). Thread-safe.
 */
public final class WorkerProcess implements ItWorker, AutoCloseable {
  /** The Locality shared task queue the workers poll. */
  public static final String SHARED_QUEUE = TaskQueues.DEFAULT_SHARED;

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Pattern WORK_DIR = Pattern.compile("(?m)^\\s*work dir\\s+(\\S+)\\s*$");

  private final String workerId;
  private final Path workRoot;
  private final Path logFile;
  private final Process process;
  private final Pattern uniqueQueue;
  private final Thread killOnExit;

  private WorkerProcess(String workerId, Path workRoot, Path logFile, Process process) {
    this.workerId = workerId;
    this.workRoot = workRoot;
    this.logFile = logFile;
    this.process = process;
    this.uniqueQueue =
        Pattern.compile(Pattern.quote(SHARED_QUEUE + "@" + workerId + "-") + "\\p{XDigit}{8}");
    this.killOnExit = new Thread(process::destroyForcibly, "kill-worker-" + workerId);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts a worker process; returns at once (see {@link #awaitReady}).
   *
   * @param jar the shaded worker-app jar
   * @param temporalAddress {@code host:port} of the Temporal frontend
   * @param workerId the worker's id (also the middle of its unique queue name)
   * @param dir a directory of its own: the work root and log file are created in it
   * @param maxSessions session slots, or 0 for the worker's default
   * @param extraEnv further environment (worker settings), may be empty
   */
  public static WorkerProcess start(
      Path jar,
      String temporalAddress,
      String workerId,
      Path dir,
      int maxSessions,
      Map<String, String> extraEnv) {
    return start(jar, temporalAddress, workerId, dir, null, maxSessions, extraEnv);
  }

  /**
   * As {@link #start(Path, String, String, Path, int, Map)}, with the work root given.
   *
   * @param sharedWorkRoot the work root (may be shared with other workers, as on one disk), or null
   *     for {@code <dir>/work}
   */
  public static WorkerProcess start(
      Path jar,
      String temporalAddress,
      String workerId,
      Path dir,
      Path sharedWorkRoot,
      int maxSessions,
      Map<String, String> extraEnv) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "worker jar not found: " + jar + " (build worker-app with `package` first)");
    }
    try {
      Files.createDirectories(dir);
      Path workRoot =
          Files.createDirectories(sharedWorkRoot != null ? sharedWorkRoot : dir.resolve("work"));
      Path logFile = dir.resolve("worker.log");
      List<String> command = Jvm.command(jar, List.of());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("TEMPORAL_ADDRESS", temporalAddress);
      settings.put("LOCALITY_WORKER_ID", workerId);
      settings.put("LOCALITY_WORK_ROOT", workRoot.toString());
      if (maxSessions > 0) settings.put("LOCALITY_MAX_SESSIONS", Integer.toString(maxSessions));
      settings.putAll(extraEnv);
      Jvm.isolate(builder.environment(), settings);
      Files.writeString(
          logFile,
          "# harness: " + String.join(" ", command) + "\n# harness env: " + settings + "\n",
          StandardCharsets.UTF_8);
      return new WorkerProcess(workerId, workRoot, logFile, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start worker " + workerId, e);
    }
  }

  /**
   * Waits until the worker logged its unique task queue name ({@code locality@<id>-<8 hex>}), which
   * it does once its workers are registered and polling.
   *
   * @return the unique queue name
   * @throws IllegalStateException if the process exits first or the timeout passes; the message
   *     carries the end of its log
   */
  public String awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> queue = uniqueQueue();
      if (queue.isPresent()) return queue.get();
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "worker "
                + workerId
                + " exited with "
                + process.exitValue()
                + " before it was ready:\n"
                + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "worker " + workerId + " not ready after " + timeout + ":\n" + logTail());
      }
      sleep(POLL);
    }
  }

  /** The unique queue name if the worker has logged it yet. */
  public Optional<String> uniqueQueue() {
    Matcher matcher = uniqueQueue.matcher(log());
    return matcher.find() ? Optional.of(matcher.group()) : Optional.empty();
  }

  /**
   * This process's own directory under the work root ({@code <workRoot>/<incarnation>}), once the
   * worker has printed it in its start-up banner.
   */
  public Optional<Path> incarnationDir() {
    Matcher matcher = WORK_DIR.matcher(log());
    return matcher.find() ? Optional.of(Path.of(matcher.group(1))) : Optional.empty();
  }

  /** Crash: SIGKILL, then waits for the process to be gone. */
  public void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(10));
  }

  /** Graceful stop: SIGTERM; returns without waiting (see {@link #waitForExit}). */
  public void stop() {
    process.destroy();
  }

  /**
   * Waits for the process to exit.
   *
   * @return its exit code, or empty if it is still running after the timeout
   */
  public Optional<Integer> waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          ? Optional.of(process.exitValue())
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: every thread frozen, sockets open. */
  @Override
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT. */
  @Override
  public void unpause() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
      if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + name + " failed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Not possible for a process on the test machine's own network. */
  @Override
  public void partition() {
    throw new UnsupportedOperationException("a worker process cannot be partitioned");
  }

  @Override
  public void heal() {
    throw new UnsupportedOperationException("a worker process cannot be partitioned");
  }

  @Override
  public boolean canPartition() {
    return false;
  }

  @Override
  public List<String> sessionLeftovers() {
    try (java.util.stream.Stream<Path> paths = Files.walk(workRoot)) {
      return paths
          .filter(p -> workRoot.relativize(p).getNameCount() > 1)
          .filter(p -> !p.getFileName().toString().equals(WorkRoot.LOCK_FILE))
          .filter(p -> !p.getFileName().toString().equals(WorkRoot.MARKER_FILE))
          .map(Path::toString)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public String workerId() {
    return workerId;
  }

  /** The worker's work root (LOCALITY_WORK_ROOT). */
  public Path workRoot() {
    return workRoot;
  }

  /** Standard output and error of the process. */
  public Path logFile() {
    return logFile;
  }

  /** The whole log so far. */
  public String log() {
    try {
      return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last 40 lines of the log, for failure messages. */
  public String logTail() {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Stops the process: SIGTERM, then SIGKILL if it has not exited within the grace period. */
  public void close(Duration grace) {
    if (process.isAlive()) {
      stop();
      if (waitForExit(grace).isEmpty()) kill();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "worker " + workerId + " (pid " + process.pid() + ", log " + logFile + ")";
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
