package dev.locality.worker;

import com.uber.m3.tally.Scope;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import dev.locality.stage.runtime.WorkerSettingValues;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code locality-worker}: runs one {@link LocalityWorker} until the process is told to stop.
 *
 * <p>Every option can also be given as a {@code LOCALITY_*} environment variable or in a config
 * file; see {@link WorkerConfiguration} for the precedence. All values are checked before anything
 * starts and every problem is printed at once (exit code 2). The Temporal connection is configured
 * only the way the Temporal CLI is ({@link TemporalClientSetup}); with nothing set it connects to
 * 127.0.0.1:7233, namespace {@code default}.
 *
 * <p>With {@code --metrics-port} the process serves {@code /metrics}, {@code /healthz} and {@code
 * /readyz} ({@link HealthServer}). SIGTERM or SIGINT drains the worker ({@link
 * LocalityWorker#close()}; {@code /readyz} answers 503 meanwhile) and then ends the process with
 * exit code 0.
 */
@Command(
    name = "locality-worker",
    mixinStandardHelpOptions = true,
    versionProvider = WorkerMain.Version.class,
    sortOptions = false,
    usageHelpWidth = WorkerMain.USAGE_WIDTH,
    description = "Runs a Locality worker: pipelines, worker sessions and stages.",
    footer = {
      "",
      "Examples:",
      "  TEMPORAL_ADDRESS=temporal:7233 java -jar locality-worker-app-all.jar --max-sessions 2",
      "  locality worker --worker-id w1 --work-root /data/locality --metrics-port 9464",
      "  locality worker --config /etc/locality/worker.yaml --log-format json",
      "  locality worker --setting maxDownloadBytes=50g --min-free-disk 20g",
      "",
      "Precedence: flag > LOCALITY_* variable > config file > default. Config file keys are the long"
          + " option names without the dashes (max-sessions: 2); worker settings go under"
          + " settings (YAML mapping, or settings.KEY=VALUE in .properties).",
      "Sizes: 1048576, 512m, 10g (binary units). Durations: 500ms, 30s, 5m, 1h or ISO-8601.",
      "",
      "",
      "Temporal connection (as the Temporal CLI; default 127.0.0.1:7233, namespace default):",
      "  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_PROFILE,",
      "  TEMPORAL_CONFIG_FILE, TEMPORAL_TLS, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*,",
      "  TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,",
      "  TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_DISABLE_HOST_VERIFICATION.",
      "",
      "HTTP (with --metrics-port): /metrics (Prometheus), /healthz (alive), /readyz (connected,"
          + " polling, not draining, disk above minimum).",
      "Exit codes: 0 stopped after draining, 2 invalid configuration."
    })
public final class WorkerMain implements Callable<Integer> {
  static final int USAGE_WIDTH = 100;

  @Option(
      names = WorkerConfiguration.CONFIG,
      paramLabel = "FILE",
      description =
          "Config file (*.yaml, *.yml, *.json or *.properties) holding any of these options."
              + " Env LOCALITY_CONFIG. Default: none.")
  String config;

  @Option(
      names = WorkerConfiguration.SHARED_QUEUE,
      paramLabel = "NAME",
      description =
          "Queue polled for pipelines and session leases. Env LOCALITY_SHARED_QUEUE."
              + " Default: locality.")
  String sharedQueue;

  @Option(
      names = WorkerConfiguration.WORKER_ID,
      paramLabel = "ID",
      description =
          "This worker's id in sessions, logs and metrics (letters, digits, . _ -)."
              + " Env LOCALITY_WORKER_ID. Default: the host name.")
  String workerId;

  @Option(
      names = WorkerConfiguration.WORK_ROOT,
      paramLabel = "DIR",
      description =
          "Directory for session work directories, on local disk. Env LOCALITY_WORK_ROOT."
              + " Default: <java.io.tmpdir>/locality-work.")
  String workRoot;

  @Option(
      names = WorkerConfiguration.MAX_SESSIONS,
      paramLabel = "N",
      description =
          "Pipelines held at once; 0: workflows only (no sessions, no stages)."
              + " Env LOCALITY_MAX_SESSIONS. Default: 4.")
  String maxSessions;

  @Option(
      names = WorkerConfiguration.POOL,
      paramLabel = "NAME[=SLOTS]",
      split = ",",
      description =
          "A resource pool this worker serves, with its own session slots (default: max-sessions);"
              + " repeatable. Pipelines naming the pool (session: {pool: NAME}) open only on its"
              + " workers. Names: lowercase letters, digits, - and _. Env LOCALITY_POOL"
              + " (gpu=1,default). Default: default.")
  List<String> pools;

  @Option(
      names = WorkerConfiguration.MAX_CONCURRENT_STAGES,
      paramLabel = "N",
      description =
          "Stage activities run at once across all sessions. Env LOCALITY_MAX_CONCURRENT_STAGES."
              + " Default: 8.")
  String maxConcurrentStages;

  @Option(
      names = WorkerConfiguration.DRAIN_TIMEOUT,
      paramLabel = "DURATION",
      description =
          "On shutdown, how long open sessions may finish before they fail over."
              + " Env LOCALITY_DRAIN_TIMEOUT. Default: 5m.")
  String drainTimeout;

  @Option(
      names = WorkerConfiguration.JANITOR_PERIOD,
      paramLabel = "DURATION",
      description =
          "Time between sweeps for work directories of dead workers."
              + " Env LOCALITY_JANITOR_PERIOD. Default: 60s.")
  String janitorPeriod;

  @Option(
      names = WorkerConfiguration.MIN_FREE_DISK,
      paramLabel = "SIZE",
      description =
          "Free space the work root's disk must keep: below it the worker takes no new sessions"
              + " and is not ready (0: no minimum). Env LOCALITY_MIN_FREE_DISK. Default: 0.")
  String minFreeDisk;

  @Option(
      names = WorkerConfiguration.RESOURCE_CACHE_MAX_ENTRIES,
      paramLabel = "N",
      description =
          "Shared stage resources (lookup tables, models) kept at most; unused ones beyond it are"
              + " evicted, least recently used first. Env LOCALITY_RESOURCE_CACHE_MAX_ENTRIES."
              + " Default: 32.")
  String resourceCacheMaxEntries;

  @Option(
      names = WorkerConfiguration.RESOURCE_CACHE_MAX_BYTES,
      paramLabel = "SIZE",
      description =
          "Heap the shared stage resources may take (as each states its weight); unused ones"
              + " beyond it are evicted. Env LOCALITY_RESOURCE_CACHE_MAX_BYTES. Default: 256m.")
  String resourceCacheMaxBytes;

  @Option(
      names = WorkerConfiguration.PLUGINS_DIR,
      paramLabel = "DIR",
      description =
          "Directory of stage plugin jars, each loaded in its own class loader."
              + " Env LOCALITY_PLUGINS_DIR. Default: none (built-in stages only).")
  String pluginsDir;

  @Option(
      names = WorkerConfiguration.METRICS_PORT,
      paramLabel = "PORT",
      description =
          "Port for /metrics, /healthz and /readyz (0: any free port, off: none)."
              + " Env LOCALITY_METRICS_PORT. Default: off (the container image sets 9464).")
  String metricsPort;

  @Option(
      names = WorkerConfiguration.METRICS_ADDRESS,
      paramLabel = "IP",
      description =
          "Address the HTTP port listens on: 127.0.0.1 for this host only, 0.0.0.0 for every"
              + " interface (the endpoints have no authentication). Env LOCALITY_METRICS_ADDRESS."
              + " Default: 127.0.0.1 (the container image sets 0.0.0.0).")
  String metricsAddress;

  @Option(
      names = WorkerConfiguration.LOG_FORMAT,
      paramLabel = "FORMAT",
      description =
          "Console log format: text, or json (one object per line, MDC under \"mdc\")."
              + " Env LOCALITY_LOG_FORMAT. Default: text.")
  String logFormat;

  @Option(
      names = WorkerConfiguration.ALLOWED_FILE_ROOTS,
      paramLabel = "DIRS",
      description =
          "Comma-separated absolute directories file: URLs may read (worker setting"
              + " allowedFileRoots). Env LOCALITY_ALLOWED_FILE_ROOTS. Default: unset, file reads"
              + " are UNRESTRICTED (any path but /proc, /sys, /dev and the worker's own"
              + " directories); set it on a worker that runs other people's specs.")
  String allowedFileRoots;

  @Option(
      names = WorkerConfiguration.ALLOWED_UPLOAD_ROOTS,
      paramLabel = "DIRS",
      description =
          "Comma-separated absolute directories uploads to file: targets may write into (worker"
              + " setting allowedUploadRoots). Env LOCALITY_ALLOWED_UPLOAD_ROOTS. Default: unset,"
              + " file writes are UNRESTRICTED (any path but /proc, /sys, /dev and the worker's own"
              + " directories); the container image sets both roots to /data.")
  String allowedUploadRoots;

  @Option(
      names = WorkerConfiguration.CACHE_SIZE,
      paramLabel = "SIZE",
      description =
          "Bytes of downloaded files kept for downloads with cache: true, least recently used out"
              + " first (worker setting downloadCacheSize), e.g. 20g. Env LOCALITY_CACHE_SIZE."
              + " Default: 0 (off).")
  String cacheSize;

  @Option(
      names = WorkerConfiguration.DOWNLOAD_ALLOW_HOSTS,
      paramLabel = "LIST",
      description =
          "Hosts, *.domains, IPs and CIDRs downloads may reach (worker setting downloadAllowHosts)."
              + " Env LOCALITY_DOWNLOAD_ALLOW_HOSTS. Default: any.")
  String downloadAllowHosts;

  @Option(
      names = WorkerConfiguration.DOWNLOAD_DENY_HOSTS,
      paramLabel = "LIST",
      description =
          "Hosts, *.domains, IPs and CIDRs downloads must not reach (worker setting"
              + " downloadDenyHosts). Env LOCALITY_DOWNLOAD_DENY_HOSTS. Default: none.")
  String downloadDenyHosts;

  @Option(
      names = WorkerConfiguration.SETTING,
      paramLabel = "KEY=VALUE",
      description =
          "A setting of the built-in or plugin stages (listed below); repeatable."
              + " Env LOCALITY_SETTINGS (KEY=VALUE;KEY=VALUE). Default: none.")
  Map<String, String> workerSettings = new LinkedHashMap<>();

  /** The environment the options fall back to; replaceable in tests. */
  Map<String, String> env = System.getenv();

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The worker's command line, its help ending with every worker setting of the stages this worker
   * would load: the built-ins and, when {@code LOCALITY_PLUGINS_DIR} names a directory, its
   * plugins.
   */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new WorkerMain());
    List<String> footer = new ArrayList<>(List.of(cmd.getCommandSpec().usageMessage().footer()));
    footer.add("");
    footer.add("Worker settings (--setting NAME=VALUE, repeatable), declared by the loaded stages");
    footer.add(
        "(built-in, and plugins of LOCALITY_PLUGINS_DIR) and checked when the worker starts:");
    footer.add(settingsHelp().stripTrailing());
    footer.add("Cloud metadata and link-local addresses are refused unless allowed by IP or CIDR.");
    footer.add(
        "File access is UNRESTRICTED unless --allowed-file-roots and --allowed-upload-roots are");
    footer.add(
        "set: file: downloads and uploads reach any path this user can, except /proc, /sys, /dev,");
    footer.add("the work root and the plugins directory, which are always refused.");
    cmd.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
    return cmd;
  }

  private static String settingsHelp() {
    String dir = System.getenv(WorkerConfig.PLUGINS_DIR_ENV);
    Path plugins =
        dir == null || dir.isBlank() || !Files.isDirectory(Path.of(dir)) ? null : Path.of(dir);
    try (StageCatalog catalog = StageCatalog.load(WorkerMain.class.getClassLoader(), plugins)) {
      return catalog.renderSettingsHelp(USAGE_WIDTH);
    } catch (InvalidConfigurationException e) {
      try (StageCatalog builtIns = StageCatalog.load(WorkerMain.class.getClassLoader(), null)) {
        return builtIns.renderSettingsHelp(USAGE_WIDTH);
      }
    }
  }

  /** The flags given on the command line, by name. */
  Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, WorkerConfiguration.CONFIG, config);
    put(flags, WorkerConfiguration.SHARED_QUEUE, sharedQueue);
    put(flags, WorkerConfiguration.WORKER_ID, workerId);
    put(flags, WorkerConfiguration.WORK_ROOT, workRoot);
    put(flags, WorkerConfiguration.MAX_SESSIONS, maxSessions);
    if (pools != null && !pools.isEmpty())
      flags.put(WorkerConfiguration.POOL, String.join(",", pools));
    put(flags, WorkerConfiguration.MAX_CONCURRENT_STAGES, maxConcurrentStages);
    put(flags, WorkerConfiguration.DRAIN_TIMEOUT, drainTimeout);
    put(flags, WorkerConfiguration.JANITOR_PERIOD, janitorPeriod);
    put(flags, WorkerConfiguration.MIN_FREE_DISK, minFreeDisk);
    put(flags, WorkerConfiguration.RESOURCE_CACHE_MAX_ENTRIES, resourceCacheMaxEntries);
    put(flags, WorkerConfiguration.RESOURCE_CACHE_MAX_BYTES, resourceCacheMaxBytes);
    put(flags, WorkerConfiguration.PLUGINS_DIR, pluginsDir);
    put(flags, WorkerConfiguration.METRICS_PORT, metricsPort);
    put(flags, WorkerConfiguration.METRICS_ADDRESS, metricsAddress);
    put(flags, WorkerConfiguration.LOG_FORMAT, logFormat);
    put(flags, WorkerConfiguration.ALLOWED_FILE_ROOTS, allowedFileRoots);
    put(flags, WorkerConfiguration.ALLOWED_UPLOAD_ROOTS, allowedUploadRoots);
    put(flags, WorkerConfiguration.DOWNLOAD_ALLOW_HOSTS, downloadAllowHosts);
    put(flags, WorkerConfiguration.DOWNLOAD_DENY_HOSTS, downloadDenyHosts);
    put(flags, WorkerConfiguration.CACHE_SIZE, cacheSize);
    return flags;
  }

  private static void put(Map<String, String> flags, String name, String value) {
    if (value != null) flags.put(name, value);
  }

  /** The configuration the flags, the environment and the config file describe. */
  WorkerConfiguration configuration() {
    return WorkerConfiguration.resolve(flags(), workerSettings, env);
  }

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    WorkerConfiguration config = configuration();
    List<String> problems = new ArrayList<>(config.problems());
    StageCatalog catalog = null;
    try {
      catalog = StageCatalog.load(WorkerMain.class.getClassLoader(), config.pluginsDir());
      WorkerSettingValues.check(config.workerSettings(), catalog.registry().all());
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    } catch (InvalidWorkerSettingsException e) {
      problems.addAll(e.problems());
    }
    ClientConfigProfile profile = null;
    try {
      profile = TemporalClientSetup.profile(env);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    DataConverter converter = null;
    try {
      converter = TemporalClientSetup.dataConverter(env);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      if (catalog != null) catalog.close();
      err.println("locality-worker: " + new InvalidConfigurationException(problems).getMessage());
      return 2;
    }
    return run(config, catalog, profile, converter);
  }

  private Integer run(
      WorkerConfiguration config,
      StageCatalog catalog,
      ClientConfigProfile profile,
      DataConverter converter)
      throws InterruptedException {
    WorkerConfig settings = config.settings();
    LogSetup.apply(config.logFormat(), settings.workerId());
    AtomicReference<LocalityWorker> started = new AtomicReference<>();
    PrometheusMeterRegistry registry = WorkerMetrics.newRegistry(settings.sharedQueue());
    HealthServer http = null;
    if (config.metricsPort() != WorkerConfiguration.METRICS_OFF) {
      try {
        http =
            HealthServer.start(
                new InetSocketAddress(config.metricsAddress(), config.metricsPort()),
                () -> {
                  LocalityWorker w = started.get();
                  return w == null
                      ? Readiness.notReady("starting", "the worker is starting")
                      : w.readiness();
                },
                registry::scrape);
      } catch (IOException e) {
        catalog.close();
        System.err.println(
            "locality-worker: cannot serve HTTP on port " + config.metricsPort() + ": " + e);
        return 2;
      }
    }
    Scope sdkMetrics = TemporalClientSetup.sdkMetricsScope(registry, settings.workerId());
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(TemporalClientSetup.stubsOptions(profile, sdkMetrics));
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, TemporalClientSetup.clientOptions(profile, settings.workerId(), converter));
    LocalityWorker worker;
    try {
      worker = LocalityWorker.start(client, settings, catalog, registry);
    } catch (RuntimeException e) {
      if (http != null) http.close();
      service.shutdownNow();
      TemporalClientSetup.close(sdkMetrics);
      catalog.close();
      throw e;
    }
    started.set(worker);
    Banner.print(
        System.out,
        worker,
        config,
        http == null ? -1 : http.port(),
        service.getOptions().getTarget(),
        client.getOptions().getNamespace());
    HealthServer httpServer = http;
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close(); // /readyz says "draining" meanwhile
                  if (httpServer != null) httpServer.close();
                  service.shutdown();
                  service.awaitTermination(5, TimeUnit.SECONDS);
                  TemporalClientSetup.close(sdkMetrics);
                  catalog.close();
                  System.out.flush();
                  // A signal would end the JVM with 128+signal; a drained worker stopped cleanly.
                  Runtime.getRuntime().halt(0);
                },
                "locality-worker-drain"));
    forever.await();
    return 0;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"locality-worker " + LocalityWorker.version()};
    }
  }
}
