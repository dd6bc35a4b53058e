package dev.locality.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Locality workers as child processes of the CLI: {@code java -cp <this JVM's class path>
 * dev.locality.worker.WorkerMain} (the CLI jar contains the worker), each with its own worker id,
 * work root and log file, connected to the given Temporal address. {@link #kill} ends one with
 * SIGKILL (no drain, no cleanup: a crash); {@link #close} stops the rest gracefully. Thread-safe.
 */
public final class WorkerProcesses implements AutoCloseable {
  private static final String MAIN = "dev.locality.worker.WorkerMain";

  /** One worker process. */
  public record Worker(String workerId, Process process, Path log) {}

  private final Map<String, Worker> workers;

  private WorkerProcesses(Map<String, Worker> workers) {
    this.workers = workers;
  }

  /**
   * Starts one worker per id and waits until each has printed that it started.
   *
   * @param env the environment to pass on (Temporal connection variables are replaced)
   * @throws IOException when a worker cannot start or dies first (its log tail is in the message)
   */
  public static WorkerProcesses start(
      List<String> workerIds,
      String temporalAddress,
      Path dir,
      Map<String, String> env,
      Duration readyTimeout)
      throws IOException, InterruptedException {
    Map<String, Worker> started = new LinkedHashMap<>();
    WorkerProcesses processes = new WorkerProcesses(started);
    try {
      for (String id : workerIds) {
        Path log = dir.resolve("worker-" + id + ".log");
        ProcessBuilder builder =
            new ProcessBuilder(command(id, dir.resolve("work-" + id)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> childEnv = builder.environment();
        childEnv.clear();
        childEnv.putAll(env);
        childEnv.keySet().removeIf(k -> k.startsWith("TEMPORAL_") || k.startsWith("LOCALITY_"));
        childEnv.put("TEMPORAL_ADDRESS", temporalAddress);
        childEnv.put("TEMPORAL_NAMESPACE", "default");
        childEnv.put("TEMPORAL_CONFIG_FILE", dir.resolve("no-temporal-config.toml").toString());
        started.put(id, new Worker(id, builder.start(), log));
      }
      long deadline = System.nanoTime() + readyTimeout.toNanos();
      for (Worker worker : started.values()) awaitReady(worker, deadline);
      return processes;
    } catch (IOException | InterruptedException | RuntimeException e) {
      processes.close();
      throw e;
    }
  }

  private static List<String> command(String workerId, Path workRoot) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    command.add("--worker-id");
    command.add(workerId);
    command.add("--work-root");
    command.add(workRoot.toString());
    command.add("--max-sessions");
    command.add("1");
    command.add("--drain-timeout");
    command.add("5s");
    return command;
  }

  private static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static void awaitReady(Worker worker, long deadline)
      throws IOException, InterruptedException {
    while (true) {
      String log = read(worker.log());
      if (log.contains("Locality worker " + worker.workerId() + " started")
          || log.contains("worker " + worker.workerId() + " started")) {
        return;
      }
      if (!worker.process().isAlive()) {
        throw new IOException("worker " + worker.workerId() + " exited at start-up:\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("worker " + worker.workerId() + " did not start:\n" + tail(log));
      }
      Thread.sleep(100);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  public List<Worker> all() {
    synchronized (workers) {
      return List.copyOf(workers.values());
    }
  }

  /**
   * Kills the worker with SIGKILL, as a crash would.
   *
   * @return false when no live worker has this id
   */
  public boolean kill(String workerId) throws InterruptedException {
    Worker worker;
    synchronized (workers) {
      worker = workers.get(workerId);
    }
    if (worker == null || !worker.process().isAlive()) return false;
    worker.process().destroyForcibly();
    worker.process().waitFor();
    return true;
  }

  /** Stops every live worker: SIGTERM (graceful drain), SIGKILL after 15 s. */
  @Override
  public void close() {
    for (Worker worker : all()) {
      if (worker.process().isAlive()) worker.process().destroy();
    }
    for (Worker worker : all()) {
      try {
        if (!worker.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
          worker.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        worker.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
