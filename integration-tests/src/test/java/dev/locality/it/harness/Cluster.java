package dev.locality.it.harness;

import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A whole Locality deployment for one test class in process mode: a Temporal server in the test
 * JVM, worker processes of the worker-app jar, and an HTTP origin serving a directory. Files (work
 * roots, worker logs) go under {@link #dir()}, which is kept after the run. More workers can join
 * later ({@link #startWorker}), each with its own settings, and all workers can share one work root
 * (as processes on one disk do).
 *
 * <pre>{@code
 * try (Cluster cluster = Cluster.builder().workers("w1", "w2").serve(dataDir).start()) {
 *   PipelineWorkflow pipeline = cluster.client().newWorkflowStub(...);
 * }
 * }</pre>
 *
 * {@link #close()} stops every worker (SIGTERM, then SIGKILL after a grace period), then the origin
 * and the server, and is safe to call after a failed start or twice.
 */
public final class Cluster implements AutoCloseable {
  private final Path dir;
  private final EmbeddedTemporal temporal;
  private final HttpOrigin origin;
  private final Map<String, WorkerProcess> workers;
  private final Builder settings;

  private Cluster(
      Path dir,
      EmbeddedTemporal temporal,
      HttpOrigin origin,
      Map<String, WorkerProcess> workers,
      Builder settings) {
    this.dir = dir;
    this.temporal = temporal;
    this.origin = origin;
    this.workers = workers;
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Path dir() {
    return dir;
  }

  public EmbeddedTemporal temporal() {
    return temporal;
  }

  public WorkflowClient client() {
    return temporal.client();
  }

  /** The HTTP origin; throws if the builder was given no directory to serve. */
  public HttpOrigin origin() {
    if (origin == null) throw new IllegalStateException("this cluster serves no directory");
    return origin;
  }

  /** The workers in start order (also those that have exited since). */
  public synchronized List<WorkerProcess> workers() {
    return List.copyOf(workers.values());
  }

  public synchronized WorkerProcess worker(String workerId) {
    WorkerProcess worker = workers.get(workerId);
    if (worker == null) throw new NoSuchElementException("no worker " + workerId);
    return worker;
  }

  /**
   * The work root every worker shares, if the cluster was built with {@link
   * Builder#sharedWorkRoot}.
   */
  public Optional<Path> sharedWorkRoot() {
    return Optional.ofNullable(settings.sharedWorkRoot ? dir.resolve("shared-work") : null);
  }

  /**
   * Starts one more worker with the cluster's settings plus {@code env} (e.g. {@code
   * LOCALITY_DRAIN_TIMEOUT}), and waits until it polls.
   *
   * @throws IllegalArgumentException if a worker with this id was started before
   */
  public WorkerProcess startWorker(String workerId, Map<String, String> env) {
    WorkerProcess worker = launch(workerId, env);
    worker.awaitReady(settings.readyTimeout);
    return worker;
  }

  /**
   * Starts worker {@code workerId} again after its process exited (killed): the same worker id,
   * directory and work root, as systemd restarting a service or a pod coming back on its persistent
   * volume. Waits until it polls.
   *
   * @throws IllegalStateException if its previous process is still alive
   */
  public WorkerProcess restartWorker(String workerId, Map<String, String> env) {
    WorkerProcess worker;
    synchronized (this) {
      WorkerProcess previous = worker(workerId);
      if (previous.isAlive()) {
        throw new IllegalStateException("worker " + workerId + " is still running");
      }
      workers.remove(workerId);
      worker = launch(workerId, env);
    }
    worker.awaitReady(settings.readyTimeout);
    return worker;
  }

  /** Starts several workers at once (in parallel) and waits until all of them poll. */
  public List<WorkerProcess> startWorkers(Map<String, String> env, String... workerIds) {
    List<WorkerProcess> started = new ArrayList<>();
    for (String id : workerIds) started.add(launch(id, env));
    for (WorkerProcess worker : started) worker.awaitReady(settings.readyTimeout);
    return started;
  }

  private synchronized WorkerProcess launch(String workerId, Map<String, String> env) {
    if (workers.containsKey(workerId)) {
      throw new IllegalArgumentException("worker " + workerId + " was started before");
    }
    Map<String, String> all = new LinkedHashMap<>(settings.workerEnv);
    all.putAll(env);
    WorkerProcess worker =
        WorkerProcess.start(
            settings.workerJar,
            temporal.address(),
            workerId,
            dir.resolve(workerId),
            sharedWorkRoot().orElse(null),
            settings.maxSessions,
            all);
    workers.put(workerId, worker);
    return worker;
  }

  @Override
  public synchronized void close() {
    List<Throwable> failures = new ArrayList<>();
    for (WorkerProcess worker : workers.values()) run(worker::stop, failures);
    for (WorkerProcess worker : workers.values())
      run(() -> worker.close(Duration.ofSeconds(10)), failures);
    if (origin != null) run(origin::close, failures);
    run(temporal::close, failures);
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("cluster did not close cleanly");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void run(Runnable action, List<Throwable> failures) {
    try {
      action.run();
    } catch (RuntimeException | Error e) {
      failures.add(e);
    }
  }

  /** Configures and starts a {@link Cluster}. */
  public static final class Builder {
    private final List<String> workerIds = new ArrayList<>();
    private final Map<String, String> workerEnv = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> perWorkerEnv = new LinkedHashMap<>();
    private boolean sharedWorkRoot;
    private Path served;
    private int maxSessions;
    private Path workerJar = HarnessPaths.workerJar();
    private String name = "cluster";
    private Duration readyTimeout = Duration.ofSeconds(40);

    private Builder() {}

    /** Worker processes to start, by worker id. */
    public Builder workers(String... ids) {
      workerIds.addAll(List.of(ids));
      return this;
    }

    /** One worker with its own extra environment on top of {@link #workerEnv}. */
    public Builder worker(String id, Map<String, String> env) {
      workerIds.add(id);
      perWorkerEnv.put(id, Map.copyOf(env));
      return this;
    }

    /** Every worker uses one work root, {@code <dir>/shared-work}, as processes on one disk do. */
    public Builder sharedWorkRoot() {
      this.sharedWorkRoot = true;
      return this;
    }

    /** Session slots of each worker (LOCALITY_MAX_SESSIONS); the worker's default if unset. */
    public Builder maxSessions(int maxSessions) {
      this.maxSessions = maxSessions;
      return this;
    }

    /** An extra environment variable for every worker (a worker setting). */
    public Builder workerEnv(String name, String value) {
      workerEnv.put(name, value);
      return this;
    }

    /** Serves this directory over HTTP (see {@link HttpOrigin}). */
    public Builder serve(Path directory) {
      this.served = directory;
      return this;
    }

    public Builder workerJar(Path jar) {
      this.workerJar = jar;
      return this;
    }

    /** Names the run directory (a test class name, say). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** How long each worker may take to start polling. */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /**
     * Starts the server, the origin and every worker (in parallel), and waits until each worker
     * polls. On failure everything already started is stopped before the exception propagates.
     */
    public Cluster start() {
      Path dir = HarnessPaths.newRunDir(name);
      EmbeddedTemporal temporal = EmbeddedTemporal.start();
      Map<String, WorkerProcess> workers = new LinkedHashMap<>();
      HttpOrigin origin = null;
      Cluster cluster = null;
      try {
        origin = served == null ? null : HttpOrigin.serve(served);
        cluster = new Cluster(dir, temporal, origin, workers, this);
        for (String id : workerIds) cluster.launch(id, perWorkerEnv.getOrDefault(id, Map.of()));
        for (WorkerProcess worker : cluster.workers()) worker.awaitReady(readyTimeout);
        return cluster;
      } catch (RuntimeException | Error e) {
        try {
          if (cluster != null) cluster.close();
          else {
            workers.values().forEach(WorkerProcess::close);
            if (origin != null) origin.close();
            temporal.close();
          }
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }
}
