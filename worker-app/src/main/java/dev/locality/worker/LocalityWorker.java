package dev.locality.worker;

import dev.locality.activities.dispatch.StageDispatcher;
import dev.locality.activities.session.Drain;
import dev.locality.activities.session.Janitor;
import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionLeaseActivityImpl;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.activities.session.WorkRoot;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.stage.StageRegistry;
import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Locality worker process's Temporal workers: the entry point of the worker jar and of the
 * CLI's in-process worker.
 *
 * <p>It polls three things with one {@link WorkflowClient}:
 *
 * <ul>
 *   <li>the shared queue for <b>pipeline workflow tasks</b> ({@link PipelineWorkflowImpl});
 *   <li>the shared queue for <b>session leases</b>, with exactly {@code maxSessions} activity slots
 *       and nothing else registered, so a full worker stops polling and new sessions go to workers
 *       with room;
 *   <li>its own <b>unique queue</b> {@code <shared>@<workerId>-<8 hex>} for stage activities,
 *       dispatched by type to the {@link StageRegistry}, {@code maxConcurrentStages} at a time.
 * </ul>
 *
 * <p>Lease polling lives in a second {@link WorkerFactory}, because {@link Worker#suspendPolling()}
 * stops every poller of a worker: a declining or draining worker must stop taking leases without
 * stopping the workflow tasks of the pipelines whose sessions it still holds.
 *
 * <p>Every worker runs with sticky execution off ({@code stickyQueueScheduleToStartTimeout = 0}:
 * the SDK then sends no sticky attributes and every workflow task goes to the shared queue with the
 * full history, so a dead worker strands no workflow), heartbeats throttled to at most 500 ms, and
 * eager activity dispatch off.
 *
 * <pre>{@code
 * try (LocalityWorker worker = LocalityWorker.start(client, WorkerSettings.defaults())) {
 *   ... // serve until shutdown
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close()} drains gracefully; see there.
 */
public final class LocalityWorker implements AutoCloseable {
  /** Heartbeat throttle of every activity; the lease relies on it to see a close within ~0.5 s. */
  public static final Duration MAX_HEARTBEAT_THROTTLE = Duration.ofMillis(500);

  private static final Duration LEASE_EXIT_GRACE = Duration.ofSeconds(10);
  private static final Duration FACTORY_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(LocalityWorker.class);

  private final WorkerSettings settings;
  private final String uniqueQueue;
  private final StageRegistry stages;
  private final WorkRoot workRoot;
  private final Janitor janitor;
  private final SessionRegistry sessions;
  private final Drain drain;
  private final WorkerFactory pipelineFactory;
  private final WorkerFactory leaseFactory;
  private final SharedQueuePolling leasePolling;
  private boolean closed;

  private LocalityWorker(
      WorkerSettings settings,
      String uniqueQueue,
      StageRegistry stages,
      WorkRoot workRoot,
      Janitor janitor,
      SessionRegistry sessions,
      Drain drain,
      WorkerFactory pipelineFactory,
      WorkerFactory leaseFactory,
      SharedQueuePolling leasePolling) {
    this.settings = settings;
    this.uniqueQueue = uniqueQueue;
    this.stages = stages;
    this.workRoot = workRoot;
    this.janitor = janitor;
    this.sessions = sessions;
    this.drain = drain;
    this.pipelineFactory = pipelineFactory;
    this.leaseFactory = leaseFactory;
    this.leasePolling = leasePolling;
  }

  /**
   * Starts a worker with the stages found through {@link java.util.ServiceLoader} on the context
   * class loader.
   *
   * @throws UncheckedIOException when the work root cannot be created or locked
   * @throws IllegalStateException when two stages declare the same type
   */
  public static LocalityWorker start(WorkflowClient client, WorkerSettings settings) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return start(
        client,
        settings,
        StageRegistry.load(loader != null ? loader : LocalityWorker.class.getClassLoader()));
  }

  /** Starts a worker that runs the given stages. */
  public static LocalityWorker start(
      WorkflowClient client, WorkerSettings settings, StageRegistry stages) {
    String uniqueQueue =
        TaskQueues.unique(settings.sharedQueue(), settings.workerId(), randomSuffix());
    WorkRoot workRoot;
    try {
      workRoot = WorkRoot.open(settings.workRoot());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use work root " + settings.workRoot(), e);
    }
    Janitor janitor = new Janitor(workRoot, settings.janitorPeriod());
    try {
      janitor.start();
      SessionRegistry sessions = new SessionRegistry();
      Drain drain = new Drain();

      WorkerFactory pipelineFactory = WorkerFactory.newInstance(client);
      Worker workflowWorker =
          pipelineFactory.newWorker(settings.sharedQueue(), baseOptions().build());
      workflowWorker.registerWorkflowImplementationTypes(PipelineWorkflowImpl.class);
      Worker stageWorker =
          pipelineFactory.newWorker(
              uniqueQueue,
              baseOptions()
                  .setMaxConcurrentActivityExecutionSize(settings.maxConcurrentStages())
                  .build());
      stageWorker.registerActivitiesImplementations(
          new StageDispatcher(settings.workerId(), stages, sessions, settings.stageSettings()));

      WorkerFactory leaseFactory = WorkerFactory.newInstance(client);
      Worker leaseWorker =
          leaseFactory.newWorker(
              settings.sharedQueue(),
              baseOptions().setMaxConcurrentActivityExecutionSize(settings.maxSessions()).build());
      SharedQueuePolling leasePolling = new SharedQueuePolling(leaseWorker);
      leaseWorker.registerActivitiesImplementations(
          new SessionLeaseActivityImpl(
              settings.workerId(),
              WorkerSettings.hostName(),
              uniqueQueue,
              workRoot,
              sessions,
              client,
              drain,
              leasePolling));

      pipelineFactory.start(); // the unique queue polls before any lease can name it
      leaseFactory.start();
      log.info(
          "worker {} started: shared queue {}, unique queue {}, work dir {}",
          settings.workerId(),
          settings.sharedQueue(),
          uniqueQueue,
          workRoot.incarnationDir());
      return new LocalityWorker(
          settings,
          uniqueQueue,
          stages,
          workRoot,
          janitor,
          sessions,
          drain,
          pipelineFactory,
          leaseFactory,
          leasePolling);
    } catch (RuntimeException e) {
      janitor.close();
      try {
        workRoot.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Options shared by every worker of the process; see the class comment. */
  static WorkerOptions.Builder baseOptions() {
    return WorkerOptions.newBuilder()
        .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
        .setMaxHeartbeatThrottleInterval(MAX_HEARTBEAT_THROTTLE)
        .setDisableEagerExecution(true);
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[4];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public String workerId() {
    return settings.workerId();
  }

  public String sharedQueue() {
    return settings.sharedQueue();
  }

  /** The queue this worker's stages run on: {@code <shared>@<workerId>-<8 hex>}. */
  public String uniqueQueue() {
    return uniqueQueue;
  }

  public WorkerSettings settings() {
    return settings;
  }

  /** The stage types this worker runs. */
  public StageRegistry stages() {
    return stages;
  }

  /** Number of sessions open on this worker (session slots in use). */
  public int openSessions() {
    return sessions.size();
  }

  /** A snapshot of the sessions open on this worker. */
  public List<OpenSession> sessions() {
    return sessions.all();
  }

  /** This process's directory under the work root ({@code workRoot/<incarnation>}). */
  public Path workDir() {
    return workRoot.incarnationDir();
  }

  /** Whether {@link #close()} has begun. */
  public synchronized boolean isClosing() {
    return closed;
  }

  /**
   * Drains and stops the worker; returns when it is stopped. In order: stops polling for session
   * leases at once (leases that still arrive decline); lets open sessions finish for up to {@code
   * drainTimeout} (pipeline workflow tasks and stages keep running meanwhile); makes the sessions
   * still open give up with a non-retryable {@code WorkerShutdown} failure so their pipelines fail
   * over at once; shuts the Temporal workers down, waiting for running tasks; stops the janitor and
   * deletes this process's work directory, releasing its lock. Idempotent; only the first call does
   * the work.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    boolean interrupted = false;
    log.info(
        "worker {} draining: {} open session(s), up to {}",
        workerId(),
        sessions.size(),
        settings.drainTimeout());
    leasePolling.stop();
    drain.begin();
    try {
      if (!sessions.awaitEmpty(settings.drainTimeout())) {
        log.warn(
            "worker {}: drain timeout passed with {} open session(s); giving them up",
            workerId(),
            sessions.size());
        drain.expire();
        sessions.awaitEmpty(LEASE_EXIT_GRACE);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      drain.expire();
    }
    leaseFactory.shutdown();
    pipelineFactory.shutdown();
    awaitTermination(leaseFactory);
    awaitTermination(pipelineFactory);
    janitor.close();
    try {
      workRoot.close();
    } catch (IOException e) {
      log.warn("could not delete work directory {}: {}", workRoot, e.toString());
    }
    log.info("worker {} stopped", workerId());
    if (interrupted) Thread.currentThread().interrupt();
  }

  private static void awaitTermination(WorkerFactory factory) {
    factory.awaitTermination(FACTORY_SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      factory.shutdownNow();
      factory.awaitTermination(LEASE_EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
