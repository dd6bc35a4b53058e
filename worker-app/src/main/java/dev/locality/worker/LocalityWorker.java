package dev.locality.worker;

import dev.locality.activities.checkpoint.CheckpointActivitiesImpl;
import dev.locality.activities.checkpoint.CheckpointStores;
import dev.locality.activities.dispatch.StageDispatcher;
import dev.locality.activities.dispatch.WorkflowLeftoverLedger;
import dev.locality.activities.session.Drain;
import dev.locality.activities.session.Janitor;
import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionLeaseActivityImpl;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.activities.session.WorkRoot;
import dev.locality.activities.stages.download.DownloadStage;
import dev.locality.activities.state.TemporalPipelineState;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerReport;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.runtime.ResourceCache;
import dev.locality.stage.runtime.WorkerSettingValues;
import dev.locality.workflows.PipelineStateWorkflowImpl;
import dev.locality.workflows.PipelineWorkflowImpl;
import dev.locality.workflows.workers.WorkerRegistryWorkflowImpl;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
 *   <li>for each resource pool it serves ({@link WorkerConfig#pools()}), the pool's lease queue
 *       ({@link TaskQueues#leaseQueue}: the shared queue itself for the {@code default} pool) for
 *       <b>session leases</b>, with exactly that pool's slots as activity slots and nothing else
 *       registered, so a full pool stops polling and its new sessions go to workers with room;
 *   <li>its own <b>unique queue</b> {@code <shared>@<workerId>-<8 hex>} for stage activities,
 *       dispatched by type to the {@link StageRegistry}, {@code maxConcurrentStages} at a time;
 *   <li>the <b>re-attach queue</b> {@code <shared>@<workerId>-reattach} for session leases offered
 *       back to this worker id after its previous process died (same-host resume: the lease takes
 *       over the session's files from the work root). Named after the worker id alone, so a process
 *       restarted with the same id polls the same queue.
 * </ul>
 *
 * <p>With {@code maxSessions == 0} the worker is <b>workflows only</b>: it registers neither the
 * lease nor the stages (the SDK then starts no activity pollers), so it never holds a session but
 * keeps pipelines deciding (failing over, or failing with every attempt listed) while no stage
 * worker is alive.
 *
 * <p>Lease polling lives in a second {@link WorkerFactory}, because {@link Worker#suspendPolling()}
 * stops every poller of a worker: a declining or draining worker must stop taking leases without
 * stopping the workflow tasks of the pipelines whose sessions it still holds.
 *
 * <p>Around them: a {@link DiskGuard} that stops lease polling while the work root's disk is below
 * {@link WorkerConfig#minFreeDiskBytes()}; {@link WorkerMetrics} in the given Micrometer registry
 * (sessions, stages, janitor, disk); {@link #readiness()} for the {@code /readyz} endpoint. The
 * stages come from a {@link StageCatalog}: built-ins plus the jars in {@link
 * WorkerConfig#pluginsDir()}.
 *
 * <p>Every worker runs with sticky execution off ({@code stickyQueueScheduleToStartTimeout = 0}:
 * the SDK then sends no sticky attributes and every workflow task goes to the shared queue with the
 * full history, so a dead worker strands no workflow), heartbeats throttled to at most 500 ms, and
 * eager activity dispatch off.
 *
 * <pre>{@code
 * try (LocalityWorker worker = LocalityWorker.start(client, WorkerConfig.defaults())) {
 *   ... // serve until shutdown
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close()} drains gracefully; see there.
 */
public final class LocalityWorker implements AutoCloseable {
  /** Heartbeat throttle of every activity; the lease relies on it to see a close within ~0.5 s. */
  public static final Duration MAX_HEARTBEAT_THROTTLE = Duration.ofMillis(500);

  /**
   * Pollers of the lease worker. One: a poll already waiting at the server cannot be withdrawn, so
   * when a lease declines (to steer a pipeline to another worker) every lease poll this worker has
   * outstanding can still take the re-requested lease (the test server even hands tasks to the
   * newest poll first). With one poller at most one such poll exists; the next request after it
   * goes to another worker. Leases are rare and long, so one poller costs no throughput.
   */
  static final int LEASE_POLLERS = 1;

  /**
   * How long a worker that gave sessions up keeps processing tasks (without polling for new ones)
   * before it shuts its workers down. A given-up lease makes the server schedule a workflow task
   * for its pipeline at once, and polls this worker already has waiting at the server can receive
   * it; a worker shutting down drops such a task, and the pipeline would only learn of the failover
   * after the workflow task timeout ({@code PipelineWorkflow.WORKFLOW_TASK_TIMEOUT}). Covers that
   * task and the failover backoff after it.
   */
  static final Duration HANDOFF_GRACE = Duration.ofSeconds(2);

  private static final Duration LEASE_EXIT_GRACE = Duration.ofSeconds(10);
  private static final Duration FACTORY_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  private static final Duration READINESS_RPC_DEADLINE = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(LocalityWorker.class);

  private final WorkerConfig settings;
  private final String uniqueQueue;
  private final WorkflowClient client;
  private final StageCatalog catalog;
  private final boolean ownsCatalog;
  private final MeterRegistry meters;
  private final WorkRoot workRoot;
  private final Janitor janitor;
  private final DiskGuard disk;
  private final SessionRegistry sessions;
  private final CheckpointStores checkpointStores;
  private final Drain drain;
  private final WorkerFactory pipelineFactory;
  private final WorkerFactory leaseFactory;
  private final PoolLeases pools;
  private final WorkerPresence presence;
  private final ResourceCache resources;
  private boolean closed;

  private LocalityWorker(Parts p) {
    this.settings = p.settings;
    this.uniqueQueue = p.uniqueQueue;
    this.client = p.client;
    this.catalog = p.catalog;
    this.ownsCatalog = p.ownsCatalog;
    this.meters = p.meters;
    this.workRoot = p.workRoot;
    this.janitor = p.janitor;
    this.disk = p.disk;
    this.sessions = p.sessions;
    this.drain = p.drain;
    this.pipelineFactory = p.pipelineFactory;
    this.leaseFactory = p.leaseFactory;
    this.pools = p.pools;
    this.presence = p.presence;
    this.resources = p.resources;
    this.checkpointStores = p.checkpointStores;
  }

  /**
   * The session lease activity of one lease queue (a pool's, or the re-attach queue), metered;
   * {@code polling} is that queue's poller, paused when the lease declines.
   */
  private static MeteredLease lease(
      Parts p,
      WorkerConfig settings,
      WorkflowClient client,
      WorkerMetrics metrics,
      SharedQueuePolling polling) {
    return new MeteredLease(
        new SessionLeaseActivityImpl(
            settings.workerId(),
            WorkerConfig.hostName(),
            p.uniqueQueue,
            p.workRoot,
            p.sessions,
            client,
            p.drain,
            polling,
            p.catalog.registry().types()::contains),
        settings.workerId(),
        p.drain,
        p.disk,
        metrics);
  }

  /** What {@link #start} assembles, in the order it does. */
  private static final class Parts {
    WorkerConfig settings;
    String uniqueQueue;
    WorkflowClient client;
    StageCatalog catalog;
    boolean ownsCatalog;
    MeterRegistry meters;
    WorkRoot workRoot;
    Janitor janitor;
    DiskGuard disk;
    SessionRegistry sessions;
    Drain drain;
    WorkerFactory pipelineFactory;
    WorkerFactory leaseFactory;
    PoolLeases pools;
    WorkerPresence presence;
    CheckpointStores checkpointStores;
    ResourceCache resources;
  }

  /**
   * Starts a worker with the stages found through {@link java.util.ServiceLoader} on the context
   * class loader plus those in {@link WorkerConfig#pluginsDir()}, and its metrics in a private
   * registry ({@link #metrics()}).
   *
   * @throws UncheckedIOException when the work root cannot be created or locked
   * @throws InvalidConfigurationException when a plugin cannot be loaded or two stages declare the
   *     same type
   */
  public static LocalityWorker start(WorkflowClient client, WorkerConfig settings) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    StageCatalog catalog =
        StageCatalog.load(
            loader != null ? loader : LocalityWorker.class.getClassLoader(), settings.pluginsDir());
    try {
      return start(client, settings, catalog, null, true);
    } catch (RuntimeException e) {
      catalog.close();
      throw e;
    }
  }

  /** Starts a worker that runs the given stages (the plugins directory is not read). */
  public static LocalityWorker start(
      WorkflowClient client, WorkerConfig settings, StageRegistry stages) {
    return start(client, settings, StageCatalog.of(stages), null, false);
  }

  /**
   * Starts a worker that runs the stages of {@code catalog} (which the caller closes after the
   * worker) and reports its metrics into {@code meters} (null: a private registry). Register the
   * Temporal SDK's metrics in the same registry through the client's service stubs to see both.
   */
  public static LocalityWorker start(
      WorkflowClient client, WorkerConfig settings, StageCatalog catalog, MeterRegistry meters) {
    return start(client, settings, catalog, meters, false);
  }

  /**
   * The directories of this worker no stage may touch through a spec-supplied path: its work root
   * (every session's files) and its plugins directory (code it loads).
   */
  static List<Path> workerOwnedPaths(WorkRoot workRoot, WorkerConfig settings) {
    List<Path> owned = new ArrayList<>();
    owned.add(workRoot.root());
    if (settings.pluginsDir() != null) owned.add(settings.pluginsDir());
    return List.copyOf(owned);
  }

  private static LocalityWorker start(
      WorkflowClient client,
      WorkerConfig settings,
      StageCatalog catalog,
      MeterRegistry meters,
      boolean ownsCatalog) {
    Parts p = new Parts();
    p.settings = settings;
    p.client = client;
    p.catalog = catalog;
    p.ownsCatalog = ownsCatalog;
    p.meters = meters != null ? meters : new SimpleMeterRegistry();
    p.uniqueQueue = TaskQueues.unique(settings.sharedQueue(), settings.workerId(), randomSuffix());
    WorkerMetrics metrics = new WorkerMetrics(p.meters, settings.workerId());
    try {
      p.workRoot = WorkRoot.open(settings.workRoot());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use work root " + settings.workRoot(), e);
    }
    p.janitor = new Janitor(p.workRoot, settings.janitorPeriod(), dir -> metrics.janitorDeleted());
    try {
      p.janitor.start();
      p.sessions = new SessionRegistry(session -> metrics.sessionOpened());
      p.drain = new Drain();
      p.resources =
          new ResourceCache(
              settings.resourceCacheMaxEntries(),
              settings.resourceCacheMaxBytes(),
              metrics.resourceListener());
      metrics.resourceGauges(p.resources);
      catalog
          .registry()
          .find(DownloadStage.TYPE)
          .filter(DownloadStage.class::isInstance)
          .map(DownloadStage.class::cast)
          .ifPresent(d -> metrics.downloadCacheMeters(d::cacheStats, d::cacheBytes));

      p.pipelineFactory = WorkerFactory.newInstance(client);
      // local activities only: an activity poller here would take session leases of the shared
      // queue (the default pool's lease queue)
      Worker workflowWorker =
          p.pipelineFactory.newWorker(
              settings.sharedQueue(), baseOptions().setLocalActivityWorkerOnly(true).build());
      workflowWorker.registerActivitiesImplementations(new RegistryLocalityHints(client));
      SpecParser specParser = new SpecParser(catalog.registry());
      workflowWorker.registerWorkflowImplementationFactory(
          PipelineWorkflow.class,
          () -> new PipelineWorkflowImpl(specParser),
          PipelineWorkflowImpl.implementationOptions());
      workflowWorker.registerWorkflowImplementationTypes(WorkerRegistryWorkflowImpl.class);
      workflowWorker.registerWorkflowImplementationTypes(PipelineStateWorkflowImpl.class);
      Worker stageWorker =
          p.pipelineFactory.newWorker(
              p.uniqueQueue,
              baseOptions()
                  .setMaxConcurrentActivityExecutionSize(settings.maxConcurrentStages())
                  .build());
      boolean takesSessions = settings.maxSessions() > 0;
      p.checkpointStores =
          new CheckpointStores(
              WorkerSettingValues.check(settings.workerSettings(), catalog.registry().all()));
      if (takesSessions)
        stageWorker.registerActivitiesImplementations(
            new MeteredStages(
                new StageDispatcher(
                    settings.workerId(),
                    catalog.registry(),
                    p.sessions,
                    settings.workerSettings(),
                    workerOwnedPaths(p.workRoot, settings),
                    new WorkflowLeftoverLedger(client),
                    p.drain::isExpired,
                    p.resources),
                catalog,
                metrics),
            new TemporalPipelineState(client, settings.sharedQueue()),
            new CheckpointActivitiesImpl(settings.workerId(), p.sessions, p.checkpointStores));

      p.leaseFactory = WorkerFactory.newInstance(client);
      p.pools = new PoolLeases();
      p.disk =
          new DiskGuard(
              DiskGuard.usableSpaceOf(p.workRoot.root()),
              settings.minFreeDiskBytes(),
              settings.diskCheckPeriod(),
              p.pools::holdForLowDisk);
      for (Map.Entry<String, Integer> pool : settings.pools().entrySet()) {
        Worker leaseWorker =
            p.leaseFactory.newWorker(
                TaskQueues.leaseQueue(settings.sharedQueue(), pool.getKey()),
                baseOptions()
                    .setMaxConcurrentActivityExecutionSize(pool.getValue())
                    .setMaxConcurrentActivityTaskPollers(LEASE_POLLERS)
                    .build());
        PoolLeases.Pool slots =
            p.pools.add(pool.getKey(), pool.getValue(), new SharedQueuePolling(leaseWorker));
        leaseWorker.registerActivitiesImplementations(
            new CountedLease(
                lease(p, settings, client, metrics, slots.polling()), slots, settings.workerId()));
        // Delay scheduling: sessions offered to this worker id because it holds their input in
        // its download cache, within the pool's slots.
        Worker preferredWorker =
            p.leaseFactory.newWorker(
                TaskQueues.leaseQueue(
                    TaskQueues.preferred(settings.sharedQueue(), settings.workerId()),
                    pool.getKey()),
                baseOptions()
                    .setMaxConcurrentActivityExecutionSize(pool.getValue())
                    .setMaxConcurrentActivityTaskPollers(LEASE_POLLERS)
                    .build());
        preferredWorker.registerActivitiesImplementations(
            new PreferredLease(
                new CountedLease(
                    lease(p, settings, client, metrics, slots.polling()),
                    slots,
                    settings.workerId()),
                slots));
      }
      if (!settings.pools().isEmpty()) {
        // Same-host resume: sessions this worker id's previous process held are offered back on a
        // queue named after the worker id alone, which this process polls next to its pools'.
        Worker reattachWorker =
            p.leaseFactory.newWorker(
                TaskQueues.reattach(settings.sharedQueue(), settings.workerId()),
                baseOptions()
                    .setMaxConcurrentActivityExecutionSize(Math.max(1, settings.maxSessions()))
                    .setMaxConcurrentActivityTaskPollers(LEASE_POLLERS)
                    .build());
        reattachWorker.registerActivitiesImplementations(
            lease(p, settings, client, metrics, new SharedQueuePolling(reattachWorker)));
      }
      metrics.gauges(
          p.sessions::size,
          settings.totalSessionSlots(),
          p.disk::lastFreeBytes,
          settings.minFreeDiskBytes(),
          p.drain::isDraining,
          version());

      p.pipelineFactory.start(); // the unique queue polls before any lease can name it
      p.leaseFactory.start();
      p.disk.start(); // after start: suspending a worker that has not started has no effect
      PoolLeases pools = p.pools;
      String uniqueQueue = p.uniqueQueue;
      p.presence =
          new WorkerPresence(
                  client,
                  settings.sharedQueue(),
                  () ->
                      report(settings, uniqueQueue, pools, false)
                          .withCachedUrls(cachedUrls(catalog)))
              .start();
      log.info(
          "worker {} started{}: shared queue {}, pools {}, unique queue {}, work dir {}",
          settings.workerId(),
          takesSessions ? "" : " (workflows only: max sessions 0)",
          settings.sharedQueue(),
          settings.pools(),
          p.uniqueQueue,
          p.workRoot.incarnationDir());
      return new LocalityWorker(p);
    } catch (RuntimeException e) {
      if (p.presence != null) p.presence.close();
      if (p.disk != null) p.disk.close();
      if (p.leaseFactory != null) p.leaseFactory.shutdownNow();
      if (p.pipelineFactory != null) p.pipelineFactory.shutdownNow();
      if (p.resources != null) p.resources.close();
      if (p.checkpointStores != null) p.checkpointStores.close();
      p.janitor.close();
      try {
        p.workRoot.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** What this worker says about itself to the worker registry (see {@link WorkerPresence}). */
  static WorkerReport report(
      WorkerConfig settings, String uniqueQueue, PoolLeases pools, boolean stopping) {
    List<PoolReport> reports = new ArrayList<>();
    for (PoolLeases.Pool pool : pools.all())
      reports.add(new PoolReport(pool.name(), pool.slots(), pool.inUse().get()));
    return new WorkerReport(
        settings.workerId(),
        WorkerConfig.hostName(),
        version(),
        uniqueQueue,
        reports,
        System.currentTimeMillis(),
        stopping);
  }

  /**
   * Hashes of the URLs the built-in download stage holds in this worker's download cache, most
   * recently used first (what the worker reports for delay scheduling); empty when the cache is off
   * or the stage is not the built-in one.
   */
  static List<String> cachedUrls(StageCatalog catalog) {
    return catalog
        .registry()
        .find(DownloadStage.TYPE)
        .filter(DownloadStage.class::isInstance)
        .map(s -> ((DownloadStage) s).cachedUrlHashes(WorkerReport.MAX_CACHED_URLS))
        .orElse(List.of());
  }

  /** This worker's pools as it reports them now: slots and slots in use per pool. */
  public List<PoolReport> pools() {
    return report(settings, uniqueQueue, pools, false).pools();
  }

  /** The worker's version from the jar manifest, or {@code development} outside a jar. */
  public static String version() {
    String v = LocalityWorker.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
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

  public WorkerConfig settings() {
    return settings;
  }

  /** The stage types this worker runs. */
  public StageRegistry stages() {
    return catalog.registry();
  }

  /** The stages this worker runs, with where each came from. */
  public StageCatalog catalog() {
    return catalog;
  }

  /** The registry holding this worker's metrics (see {@link WorkerMetrics} for the names). */
  public MeterRegistry metrics() {
    return meters;
  }

  /**
   * Whether the worker should get work: not draining, its pollers running, its disk above the
   * minimum, and the Temporal server answering (one {@code GetSystemInfo} call with a 2 s
   * deadline). Thread-safe; blocks for at most that deadline.
   */
  public Readiness readiness() {
    List<Readiness.Reason> problems = new ArrayList<>();
    if (isClosing())
      problems.add(new Readiness.Reason("draining", "draining: the worker is shutting down"));
    if (!pipelineFactory.isStarted() || pipelineFactory.isShutdown() || leaseFactory.isShutdown())
      problems.add(new Readiness.Reason("pollers-stopped", "pollers are not running"));
    if (disk.isLow())
      problems.add(
          new Readiness.Reason(
              "disk-low",
              "free disk "
                  + ByteSizes.format(disk.lastFreeBytes())
                  + " is below the minimum "
                  + ByteSizes.format(disk.minFreeBytes())));
    try {
      client
          .getWorkflowServiceStubs()
          .blockingStub()
          .withDeadlineAfter(READINESS_RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      problems.add(
          new Readiness.Reason(
              "temporal-unreachable",
              "not connected to Temporal at "
                  + client.getWorkflowServiceStubs().getOptions().getTarget()
                  + ": "
                  + e.getStatus().getCode()
                  + (e.getStatus().getDescription() == null
                      ? ""
                      : " (" + e.getStatus().getDescription() + ")")));
    }
    return new Readiness(problems);
  }

  /** Free bytes of the work root's file system at the last check, -1 when unknown. */
  public long freeDiskBytes() {
    return disk.lastFreeBytes();
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
   * over at once, then stops polling and keeps running the tasks it already polled for {@link
   * #HANDOFF_GRACE}; shuts the Temporal workers down, waiting for running tasks; closes the shared
   * stage resources ({@link ResourceCache#close()}); stops the janitor and deletes this process's
   * work directory, releasing its lock. Idempotent; only the first call does the work.
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
    pools.stop();
    presence.beginStopping();
    drain.begin();
    try {
      if (!sessions.awaitEmpty(settings.drainTimeout())) {
        log.warn(
            "worker {}: drain timeout passed with {} open session(s); giving them up",
            workerId(),
            sessions.size());
        drain.expire();
        sessions.awaitEmpty(LEASE_EXIT_GRACE);
        pipelineFactory.suspendPolling(); // tasks already polled still run
        Thread.sleep(HANDOFF_GRACE.toMillis());
      }
    } catch (InterruptedException e) {
      interrupted = true;
      drain.expire();
    }
    leaseFactory.shutdown();
    pipelineFactory.shutdown();
    awaitTermination(leaseFactory);
    awaitTermination(pipelineFactory);
    presence.close();
    resources.close(); // no stage runs any more: every shared resource is closed now
    checkpointStores.close();
    disk.close();
    janitor.close();
    try {
      workRoot.close();
    } catch (IOException e) {
      log.warn("could not delete work directory {}: {}", workRoot, e.toString());
    }
    if (ownsCatalog) catalog.close();
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
