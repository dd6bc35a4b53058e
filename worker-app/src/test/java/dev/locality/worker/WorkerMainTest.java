package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class WorkerMainTest {
  @TempDir Path tmp;

  private static WorkerConfiguration parse(Map<String, String> env, String... args) {
    WorkerMain main = new WorkerMain();
    main.env = env;
    new CommandLine(main).parseArgs(args);
    return main.configuration();
  }

  private static WorkerConfig settings(String... args) {
    WorkerConfiguration config = parse(Map.of(), args);
    assertThat(config.problems()).isEmpty();
    return config.settings();
  }

  @Test
  void optionsBecomeSettings() {
    WorkerConfig s =
        settings(
            "--shared-queue=etl",
            "--worker-id=w7",
            "--work-root=/srv/work",
            "--max-sessions=2",
            "--max-concurrent-stages=3",
            "--drain-timeout=90s",
            "--janitor-period=5m",
            "--min-free-disk=10g",
            "--plugins-dir=/opt/plugins",
            "--allowed-file-roots=/data,/mnt/in",
            "--download-deny-hosts=10.0.0.0/8",
            "--setting=maxDownloadBytes=1g");

    assertThat(s.sharedQueue()).isEqualTo("etl");
    assertThat(s.workerId()).isEqualTo("w7");
    assertThat(s.workRoot()).isEqualTo(Path.of("/srv/work"));
    assertThat(s.maxSessions()).isEqualTo(2);
    assertThat(s.maxConcurrentStages()).isEqualTo(3);
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.janitorPeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.minFreeDiskBytes()).isEqualTo(10L << 30);
    assertThat(s.pluginsDir()).isEqualTo(Path.of("/opt/plugins"));
    assertThat(s.workerSettings())
        .isEqualTo(
            Map.of(
                "allowedFileRoots",
                "/data,/mnt/in",
                "downloadDenyHosts",
                "10.0.0.0/8",
                "maxDownloadBytes",
                "1g"));
  }

  @Test
  void theResourceCacheBudgetsComeFromFlagsVariablesAndTheConfigFile() throws Exception {
    assertThat(settings().resourceCacheMaxEntries()).isEqualTo(32);
    assertThat(settings().resourceCacheMaxBytes()).isEqualTo(256L << 20);
    WorkerConfig flags =
        settings("--resource-cache-max-entries=3", "--resource-cache-max-bytes=1g");
    assertThat(flags.resourceCacheMaxEntries()).isEqualTo(3);
    assertThat(flags.resourceCacheMaxBytes()).isEqualTo(1L << 30);
    Path file = Files.writeString(tmp.resolve("cache.yaml"), "resource-cache-max-bytes: 64m\n");
    WorkerConfiguration fromFile =
        parse(
            Map.of("LOCALITY_CONFIG", file.toString(), "LOCALITY_RESOURCE_CACHE_MAX_ENTRIES", "0"));
    assertThat(fromFile.problems()).isEmpty();
    assertThat(fromFile.settings().resourceCacheMaxBytes()).isEqualTo(64L << 20);
    assertThat(fromFile.settings().resourceCacheMaxEntries()).isZero();
    WorkerConfiguration bad =
        parse(Map.of(), "--resource-cache-max-entries=-1", "--resource-cache-max-bytes=lots");
    assertThat(bad.problems())
        .hasSize(2)
        .contains(
            "resource-cache-max-entries (from --resource-cache-max-entries): must be 0 or more,"
                + " got -1")
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("resource-cache-max-bytes (from --resource-cache-max-bytes):")
                    .contains("'lots'"));
  }

  @Test
  void poolsComeFromRepeatedFlagsTheEnvironmentOrTheConfigFileAndAgree() throws Exception {
    Map<String, Integer> expected = new java.util.LinkedHashMap<>();
    expected.put("default", 2);
    expected.put("gpu", 1);
    Path yaml = Files.writeString(tmp.resolve("pools.yaml"), "pool: [default, gpu=1]\n");
    Path props = Files.writeString(tmp.resolve("pools.properties"), "pool=default,gpu=1\n");

    List<WorkerConfiguration> configs =
        List.of(
            parse(Map.of(), "--max-sessions=2", "--pool", "default", "--pool", "gpu=1"),
            parse(Map.of(), "--max-sessions=2", "--pool=default,gpu=1"),
            parse(Map.of("LOCALITY_POOL", "default, gpu=1"), "--max-sessions=2"),
            parse(Map.of(), "--max-sessions=2", "--config", yaml.toString()),
            parse(Map.of(), "--max-sessions=2", "--config", props.toString()));

    for (WorkerConfiguration config : configs) {
      assertThat(config.problems()).isEmpty();
      assertThat(config.settings().pools()).containsExactlyEntriesOf(expected);
      assertThat(config.settings().totalSessionSlots()).isEqualTo(3);
    }
    // the flag beats the variable
    assertThat(parse(Map.of("LOCALITY_POOL", "gpu=1"), "--pool=etl").settings().pools())
        .containsExactlyEntriesOf(Map.of("etl", 4));
  }

  @Test
  void withoutPoolsTheWorkerServesTheDefaultPoolWithMaxSessionsSlots() {
    assertThat(parse(Map.of(), "--max-sessions=3").settings().pools())
        .containsExactlyEntriesOf(Map.of("default", 3));
    assertThat(parse(Map.of(), "--max-sessions=0").settings().pools()).isEmpty();
  }

  @Test
  void badPoolsAreRefusedNamingTheValueAndWhereItCameFrom() {
    assertThat(parse(Map.of(), "--pool=GPU").problems())
        .singleElement()
        .asString()
        .startsWith("pool (from --pool): 'GPU' is not a pool name");
    assertThat(parse(Map.of("LOCALITY_POOL", "gpu=0"), "--max-sessions=1").problems())
        .singleElement()
        .asString()
        .isEqualTo("pool (from LOCALITY_POOL): pool gpu must have at least 1 session slot, got 0");
    assertThat(parse(Map.of(), "--pool=gpu=two").problems())
        .singleElement()
        .asString()
        .contains("'two' is not a whole number of session slots");
    assertThat(parse(Map.of(), "--pool=gpu", "--pool=gpu=1").problems())
        .singleElement()
        .asString()
        .contains("pool gpu is given twice");
    assertThat(parse(Map.of("LOCALITY_POOL", "gpu,"), "--max-sessions=1").problems())
        .singleElement()
        .asString()
        .contains("the pool name must not be empty");
    assertThat(parse(Map.of(), "--pool=gpu=1", "--max-sessions=0").problems())
        .singleElement()
        .asString()
        .contains("need session slots, but max sessions is 0");
  }

  @Test
  void defaultsMatchTheSettingsDefaults() {
    WorkerConfiguration config = parse(Map.of());
    WorkerConfig s = config.settings();
    WorkerConfig defaults = WorkerConfig.defaults();

    assertThat(s.sharedQueue()).isEqualTo("locality");
    assertThat(s.workerId()).isEqualTo(defaults.workerId()).isEqualTo(WorkerConfig.hostName());
    assertThat(s.workRoot())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "locality-work"));
    assertThat(s.maxSessions()).isEqualTo(4);
    assertThat(s.maxConcurrentStages()).isEqualTo(8);
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.janitorPeriod()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.minFreeDiskBytes()).isZero();
    assertThat(s.pluginsDir()).isNull();
    assertThat(s.workerSettings()).isEmpty();
    assertThat(config.metricsPort()).isEqualTo(WorkerConfiguration.METRICS_OFF);
    assertThat(config.logFormat()).isEqualTo(LogSetup.Format.TEXT);
  }

  @Test
  void aFlagBeatsItsVariableWhichBeatsTheConfigFileWhichBeatsTheDefault() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("worker.yaml"),
            """
            worker-id: from-file
            max-sessions: 3
            drain-timeout: 10s
            metrics-port: 9464
            allowed-file-roots: [/data, /srv]
            settings:
              maxDownloadBytes: 5g
              maxArchiveEntries: 10
              s3PathStyle: true
            """);
    Map<String, String> env = new HashMap<>();
    env.put("LOCALITY_CONFIG", file.toString());
    env.put("LOCALITY_WORKER_ID", "from-env");
    env.put("LOCALITY_MAX_SESSIONS", "5");
    env.put("LOCALITY_DRAIN_TIMEOUT", " "); // blank: as if unset
    env.put("LOCALITY_SETTINGS", "maxDownloadBytes=6g;maxArchiveEntries=20");

    WorkerConfiguration config =
        parse(env, "--worker-id=from-flag", "--setting", "maxArchiveEntries=30");

    assertThat(config.problems()).isEmpty();
    assertThat(config.configFile()).isEqualTo(file);
    WorkerConfig s = config.settings();
    assertThat(s.workerId()).isEqualTo("from-flag");
    assertThat(s.maxSessions()).isEqualTo(5);
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.maxConcurrentStages()).isEqualTo(8);
    assertThat(config.metricsPort()).isEqualTo(9464);
    assertThat(s.workerSettings())
        .containsEntry("maxDownloadBytes", "6g")
        .containsEntry("maxArchiveEntries", "30")
        .containsEntry("s3PathStyle", "true")
        .containsEntry("allowedFileRoots", "/data,/srv");
  }

  @Test
  void readsPropertiesFilesToo() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("worker.properties"),
            "max-concurrent-stages=2\nlog-format=json\nsettings.maxUncompressedBytes=1t\n");

    WorkerConfiguration config = parse(Map.of(), "--config", file.toString());

    assertThat(config.problems()).isEmpty();
    assertThat(config.settings().maxConcurrentStages()).isEqualTo(2);
    assertThat(config.logFormat()).isEqualTo(LogSetup.Format.JSON);
    assertThat(config.settings().workerSettings()).containsEntry("maxUncompressedBytes", "1t");
  }

  @Test
  void reportsEveryProblemAtOnceWithWhereTheValueCameFrom() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("worker.yaml"), "max-concurent-stages: 2\njanitor-period: 0s\n");
    Map<String, String> env =
        Map.of("LOCALITY_CONFIG", file.toString(), "LOCALITY_MAX_SESSIONS", "many");

    WorkerConfiguration config =
        parse(
            env,
            "--worker-id=a b",
            "--drain-timeout=soon",
            "--metrics-port=70000",
            "--min-free-disk=lots",
            "--log-format=xml",
            "--setting=s3PartSize=1m");

    assertThat(config.settings()).isNull();
    assertThat(config.problems())
        .hasSize(8)
        .anySatisfy(p -> assertThat(p).contains("unknown key 'max-concurent-stages'"))
        .anySatisfy(p -> assertThat(p).startsWith("janitor-period (from janitor-period in "))
        .contains("max-sessions (from LOCALITY_MAX_SESSIONS): 'many' is not a whole number")
        .anySatisfy(p -> assertThat(p).startsWith("worker-id (from --worker-id): 'a b' may only"))
        .anySatisfy(p -> assertThat(p).startsWith("drain-timeout (from --drain-timeout):"))
        .contains(
            "metrics-port (from --metrics-port): 70000 is not a port number (0-65535, 0: any free port)")
        .anySatisfy(p -> assertThat(p).startsWith("min-free-disk (from --min-free-disk): 'lots'"))
        .contains("log-format (from --log-format): 'xml' is not a log format (text or json)");
  }

  @Test
  void workerSettingsAreCheckedAgainstTheLoadedStagesAtStartUp() {
    Failed run =
        startWithoutEnvironment(
            "--allowed-file-roots=data",
            "--setting=s3PartSize=1m",
            "--setting=s3IdleTimeout=0s",
            "--setting=maxDownlodBytes=1g",
            "--download-deny-hosts=10.0.0.0/99");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("locality-worker: invalid configuration (5 problems):")
        .contains("  - worker setting allowedFileRoots: 'data' is not an absolute path")
        .contains("  - worker setting s3PartSize: below the minimum 5 MiB")
        .contains("  - worker setting s3IdleTimeout: must be positive")
        .contains("  - worker setting downloadDenyHosts: ")
        .contains("  - unknown worker setting 'maxDownlodBytes' (known: allowedFileRoots, ");
  }

  @Test
  void anInvalidConfigurationEndsWithExitCode2AndListsEveryProblem() {
    Failed run =
        startWithoutEnvironment("--max-sessions=-1", "--plugins-dir=" + tmp.resolve("missing"));

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("locality-worker: invalid configuration (2 problems):")
        .contains("  - max-sessions (from --max-sessions): must be 0 or more, got -1")
        .contains("  - plugins directory " + tmp.resolve("missing") + " does not exist");
  }

  private record Failed(int code, String err) {}

  /** Runs the worker's command line with an empty environment, capturing standard error. */
  private static Failed startWithoutEnvironment(String... args) {
    WorkerMain main = new WorkerMain();
    main.env = Map.of();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = new CommandLine(main).execute(args);
      return new Failed(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(previous);
    }
  }

  @Test
  void aPluginsWorkerSettingsAreCheckedLikeTheBuiltInsAndWithoutThePluginUnknown()
      throws Exception {
    Path plugins = tmp.resolve("plugins");
    TestPlugins.exampleJar(plugins.resolve("csv-to-jsonl.jar"));

    String withPlugin =
        run(
            "--plugins-dir=" + plugins,
            "--setting=csvToJsonlMaxRecordChars=8",
            "--max-sessions=-1");
    assertThat(withPlugin)
        .contains("  - worker setting csvToJsonlMaxRecordChars: must be at least 16 characters")
        .doesNotContain("unknown worker setting");

    String withoutPlugin = run("--setting=csvToJsonlMaxRecordChars=4m");
    assertThat(withoutPlugin)
        .contains(
            "  - unknown worker setting 'csvToJsonlMaxRecordChars' (known: allowedFileRoots,");
  }

  /**
   * Runs the worker's command line with an empty environment; returns what it printed on stderr.
   */
  private String run(String... args) {
    WorkerMain main = new WorkerMain();
    main.env = Map.of();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(new CommandLine(main).execute(args)).isEqualTo(2);
    } finally {
      System.setErr(previous);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpDocumentsEveryOptionWithItsVariableAndDefault() {
    CommandLine cli = WorkerMain.commandLine();
    String help = cli.getUsageMessage();

    for (OptionSpec option : cli.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) continue;
      String flag = option.longestName();
      String description = String.join(" ", option.description());
      assertThat(help).contains(flag);
      assertThat(description).as(flag).contains("Default: ");
      if (!flag.equals(WorkerConfiguration.SETTING))
        assertThat(description).as(flag).contains("Env " + WorkerConfiguration.envName(flag));
      if (!List.of(WorkerConfiguration.CONFIG, WorkerConfiguration.SETTING).contains(flag))
        assertThat(WorkerConfiguration.VALUE_OPTIONS).as("resolved option").contains(flag);
    }
    assertThat(cli.getCommandSpec().options())
        .extracting(OptionSpec::longestName)
        .containsAll(WorkerConfiguration.VALUE_OPTIONS);
    StageRegistry builtIns = StageRegistry.load(WorkerMain.class.getClassLoader());
    Map<String, SettingSpec<?>> settings = WorkerSettingValues.declarations(builtIns.all());
    assertThat(settings).containsKeys("maxDownloadBytes", "maxCsvFieldBytes", "s3PartSize");
    for (SettingSpec<?> setting : settings.values())
      assertThat(help)
          .contains(
              "  "
                  + setting.name()
                  + " ("
                  + setting.type().name()
                  + ", default "
                  + setting.defaultText()
                  + "; ");
  }

  @Test
  void versionComesFromTheManifest() {
    assertThat(new WorkerMain.Version().getVersion())
        .containsExactly("locality-worker " + LocalityWorker.version());
  }
}
