package dev.locality.worker;

import dev.locality.api.spec.Durations;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code locality-worker}: runs one {@link LocalityWorker} until the process is told to stop.
 *
 * <p>Every option has an environment variable as its default ({@code LOCALITY_*}). The Temporal
 * connection is configured only the way the Temporal CLI is: {@code TEMPORAL_ADDRESS}, {@code
 * TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS*}, {@code TEMPORAL_PROFILE}
 * and the TOML config file, read by {@code temporal-envconfig}; with nothing set it connects to
 * 127.0.0.1:7233, namespace {@code default}.
 *
 * <p>SIGTERM or SIGINT drains the worker ({@link LocalityWorker#close()}) and then ends the process
 * with exit code 0.
 */
@Command(
    name = "locality-worker",
    mixinStandardHelpOptions = true,
    versionProvider = WorkerMain.Version.class,
    sortOptions = false,
    description = "Runs a Locality worker: pipelines, worker sessions and stages.")
public final class WorkerMain implements Callable<Integer> {
  @Option(
      names = "--shared-queue",
      defaultValue = "${env:LOCALITY_SHARED_QUEUE:-locality}",
      description = "Queue polled for pipelines and session leases (env LOCALITY_SHARED_QUEUE).")
  String sharedQueue;

  @Option(
      names = "--worker-id",
      defaultValue = "${env:LOCALITY_WORKER_ID}",
      description =
          "Worker id in sessions, logs and metrics; default: host name (env LOCALITY_WORKER_ID).")
  String workerId;

  @Option(
      names = "--work-root",
      defaultValue = "${env:LOCALITY_WORK_ROOT}",
      description =
          "Directory for session work directories; default: <java.io.tmpdir>/locality-work"
              + " (env LOCALITY_WORK_ROOT).")
  Path workRoot;

  @Option(
      names = "--max-sessions",
      defaultValue = "${env:LOCALITY_MAX_SESSIONS:-4}",
      description = "Pipelines held at once (env LOCALITY_MAX_SESSIONS), default ${DEFAULT-VALUE}.")
  int maxSessions;

  @Option(
      names = "--max-concurrent-stages",
      defaultValue = "${env:LOCALITY_MAX_CONCURRENT_STAGES:-8}",
      description =
          "Stages run at once (env LOCALITY_MAX_CONCURRENT_STAGES), default ${DEFAULT-VALUE}.")
  int maxConcurrentStages;

  @Option(
      names = "--drain-timeout",
      defaultValue = "${env:LOCALITY_DRAIN_TIMEOUT:-5m}",
      converter = DurationConverter.class,
      description =
          "On shutdown, how long open sessions may finish before they fail over"
              + " (env LOCALITY_DRAIN_TIMEOUT), default ${DEFAULT-VALUE}.")
  Duration drainTimeout;

  @Option(
      names = "--janitor-period",
      defaultValue = "${env:LOCALITY_JANITOR_PERIOD:-60s}",
      converter = DurationConverter.class,
      description =
          "Time between sweeps for work directories of dead workers"
              + " (env LOCALITY_JANITOR_PERIOD), default ${DEFAULT-VALUE}.")
  Duration janitorPeriod;

  @Option(
      names = "--allowed-file-roots",
      defaultValue = "${env:LOCALITY_ALLOWED_FILE_ROOTS}",
      description =
          "Comma-separated absolute directories file: URLs may read from; default: any"
              + " (env LOCALITY_ALLOWED_FILE_ROOTS).")
  String allowedFileRoots;

  @Option(
      names = "--stage-setting",
      paramLabel = "KEY=VALUE",
      description =
          "A setting for the built-in or plugin stages, e.g. maxDownloadBytes=10g; repeatable."
              + " Env LOCALITY_STAGE_SETTINGS holds more, separated by ';'. See the README's stage"
              + " reference for the keys.")
  Map<String, String> stageSettings = new LinkedHashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerMain()).execute(args));
  }

  /** The settings the options describe. */
  WorkerSettings settings() {
    WorkerSettings.Builder builder = WorkerSettings.newBuilder();
    String fromEnv = System.getenv("LOCALITY_STAGE_SETTINGS");
    if (fromEnv != null) {
      for (String pair : fromEnv.split(";")) {
        if (pair.isBlank()) continue;
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "LOCALITY_STAGE_SETTINGS: '" + pair + "' is not KEY=VALUE");
        }
        builder.putStageSetting(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    stageSettings.forEach(builder::putStageSetting);
    return builder
        .setSharedQueue(sharedQueue)
        .setWorkerId(workerId)
        .setWorkRoot(workRoot)
        .setMaxSessions(maxSessions)
        .setMaxConcurrentStages(maxConcurrentStages)
        .setDrainTimeout(drainTimeout)
        .setJanitorPeriod(janitorPeriod)
        .putStageSetting(
            WorkerSettings.ALLOWED_FILE_ROOTS,
            allowedFileRoots == null || allowedFileRoots.isBlank() ? null : allowedFileRoots)
        .build();
  }

  @Override
  public Integer call() throws Exception {
    WorkerSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      System.err.println("locality-worker: " + e.getMessage());
      return 2;
    }
    ClientConfigProfile profile = ClientConfigProfile.load();
    WorkflowServiceStubsOptions stubsOptions = profile.toWorkflowServiceStubsOptions();
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubsOptions);
    WorkflowClientOptions clientOptions =
        WorkflowClientOptions.newBuilder(profile.toWorkflowClientOptions())
            .setIdentity(ProcessHandle.current().pid() + "@" + settings.workerId())
            .build();
    WorkflowClient client = WorkflowClient.newInstance(service, clientOptions);
    LocalityWorker worker;
    try {
      worker = LocalityWorker.start(client, settings);
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw e;
    }
    printBanner(
        System.out, worker, service.getOptions().getTarget(), client.getOptions().getNamespace());
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  service.shutdown();
                  service.awaitTermination(5, TimeUnit.SECONDS);
                  System.out.flush();
                  // A signal would end the JVM with 128+signal; a drained worker stopped cleanly.
                  Runtime.getRuntime().halt(0);
                },
                "locality-worker-drain"));
    forever.await();
    return 0;
  }

  static void printBanner(PrintStream out, LocalityWorker worker, String target, String namespace) {
    WorkerSettings s = worker.settings();
    out.println("Locality worker " + worker.workerId() + " started");
    out.println("  shared queue  " + worker.sharedQueue() + "  (pipelines, session leases)");
    out.println("  unique queue  " + worker.uniqueQueue() + "  (stages)");
    out.println(
        "  limits        "
            + s.maxSessions()
            + " sessions, "
            + s.maxConcurrentStages()
            + " concurrent stages, drain timeout "
            + Durations.format(s.drainTimeout()));
    out.println("  work dir      " + worker.workDir());
    out.println("  stages        " + String.join(", ", worker.stages().types()));
    if (!s.stageSettings().isEmpty()) out.println("  settings      " + s.stageSettings());
    out.println("  temporal      " + target + ", namespace " + namespace);
    out.flush();
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = WorkerMain.class.getPackage().getImplementationVersion();
      return new String[] {"locality-worker " + (v == null ? "(development)" : v)};
    }
  }
}
