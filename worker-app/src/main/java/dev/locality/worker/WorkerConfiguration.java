package dev.locality.worker;

import dev.locality.activities.stages.download.DownloadOptions;
import dev.locality.activities.stages.internal.AllowedFileRoots;
import dev.locality.activities.stages.net.HostPolicy;
import dev.locality.api.session.TaskQueues;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.Durations;
import dev.locality.stage.runtime.ResourceCache;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The worker process's configuration, resolved option by option from four layers, first match wins:
 * the command-line flag ({@code --max-sessions 2}), its environment variable ({@code
 * LOCALITY_MAX_SESSIONS}, a blank value counts as unset), the config file ({@code max-sessions: 2},
 * see {@link ConfigFile}), the default. Worker settings merge per key in the same order ({@code
 * --setting}, {@code LOCALITY_SETTINGS}, the file's {@code settings}); the dedicated options for
 * allowed file and upload roots and the download host policy override them.
 *
 * <p>Every value is checked and every problem collected ({@link #problems()}), each naming the key,
 * the layer it came from and what is wrong. Immutable.
 */
final class WorkerConfiguration {
  static final String CONFIG = "--config";
  static final String SHARED_QUEUE = "--shared-queue";
  static final String WORKER_ID = "--worker-id";
  static final String WORK_ROOT = "--work-root";
  static final String MAX_SESSIONS = "--max-sessions";
  static final String POOL = "--pool";
  static final String MAX_CONCURRENT_STAGES = "--max-concurrent-stages";
  static final String DRAIN_TIMEOUT = "--drain-timeout";
  static final String JANITOR_PERIOD = "--janitor-period";
  static final String MIN_FREE_DISK = "--min-free-disk";
  static final String PLUGINS_DIR = "--plugins-dir";
  static final String RESOURCE_CACHE_MAX_ENTRIES = "--resource-cache-max-entries";
  static final String RESOURCE_CACHE_MAX_BYTES = "--resource-cache-max-bytes";
  static final String METRICS_PORT = "--metrics-port";
  static final String METRICS_ADDRESS = "--metrics-address";
  static final String LOG_FORMAT = "--log-format";
  static final String ALLOWED_FILE_ROOTS = "--allowed-file-roots";
  static final String ALLOWED_UPLOAD_ROOTS = "--allowed-upload-roots";
  static final String DOWNLOAD_ALLOW_HOSTS = "--download-allow-hosts";
  static final String CACHE_SIZE = "--cache-size";
  static final String DOWNLOAD_DENY_HOSTS = "--download-deny-hosts";
  static final String SETTING = "--setting";

  /** Environment variable of the worker settings: {@code KEY=VALUE;KEY=VALUE}. */
  static final String SETTINGS_ENV = "LOCALITY_SETTINGS";

  /** Options that take one value in every layer (the config file accepts these keys). */
  static final List<String> VALUE_OPTIONS =
      List.of(
          SHARED_QUEUE,
          WORKER_ID,
          WORK_ROOT,
          MAX_SESSIONS,
          POOL,
          MAX_CONCURRENT_STAGES,
          DRAIN_TIMEOUT,
          JANITOR_PERIOD,
          MIN_FREE_DISK,
          RESOURCE_CACHE_MAX_ENTRIES,
          RESOURCE_CACHE_MAX_BYTES,
          PLUGINS_DIR,
          METRICS_PORT,
          METRICS_ADDRESS,
          LOG_FORMAT,
          ALLOWED_FILE_ROOTS,
          ALLOWED_UPLOAD_ROOTS,
          DOWNLOAD_ALLOW_HOSTS,
          DOWNLOAD_DENY_HOSTS,
          CACHE_SIZE);

  /** A metrics port value meaning "no HTTP endpoint". */
  static final int METRICS_OFF = -1;

  private final WorkerConfig settings;
  private final LogSetup.Format logFormat;
  private final int metricsPort;
  private final Map<String, String> workerSettings;
  private final InetAddress metricsAddress;
  private final Path pluginsDir;
  private final Path configFile;
  private final List<String> problems;

  private WorkerConfiguration(Resolver r, WorkerConfig settings) {
    this.settings = settings;
    this.logFormat = r.logFormat;
    this.metricsPort = r.metricsPort;
    this.workerSettings = Map.copyOf(r.workerSettings);
    this.metricsAddress = r.metricsAddress;
    this.pluginsDir = r.pluginsDir;
    this.configFile = r.file.path();
    this.problems = List.copyOf(r.problems);
  }

  /** The variable of a flag: {@code --max-sessions} is {@code LOCALITY_MAX_SESSIONS}. */
  static String envName(String flag) {
    return "LOCALITY_" + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The config file key of a flag: {@code --max-sessions} is {@code max-sessions}. */
  static String fileKey(String flag) {
    return flag.substring(2);
  }

  /**
   * Resolves every option.
   *
   * @param flags values given on the command line, by flag name (absent: not given)
   * @param settingFlags {@code --setting} values in the order given
   * @param env the process environment
   */
  static WorkerConfiguration resolve(
      Map<String, String> flags, Map<String, String> settingFlags, Map<String, String> env) {
    Resolver r = new Resolver(flags, env);
    WorkerConfig settings = r.settings(settingFlags);
    return new WorkerConfiguration(r, r.problems.isEmpty() ? settings : null);
  }

  /** The settings; null when there are {@link #problems()}. */
  WorkerConfig settings() {
    return settings;
  }

  LogSetup.Format logFormat() {
    return logFormat;
  }

  /**
   * The worker settings as configured (flags over environment over file), even when other values
   * have problems, so that their check can report its problems in the same run.
   */
  Map<String, String> workerSettings() {
    return workerSettings;
  }

  /** The HTTP port; 0 for any free port, {@link #METRICS_OFF} for none. */
  int metricsPort() {
    return metricsPort;
  }

  /** The address the HTTP port binds: loopback unless configured ({@code 0.0.0.0}: all). */
  InetAddress metricsAddress() {
    return metricsAddress;
  }

  /** The plugins directory as configured (even when other values have problems), or null. */
  Path pluginsDir() {
    return pluginsDir;
  }

  /** The config file read, or null. */
  Path configFile() {
    return configFile;
  }

  /** One sentence per invalid value; empty when the configuration is usable. */
  List<String> problems() {
    return problems;
  }

  /** One resolution; collects problems as it goes. */
  private static final class Resolver {
    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private final ConfigFile file;
    private LogSetup.Format logFormat = LogSetup.Format.TEXT;
    private int metricsPort = METRICS_OFF;
    private Map<String, String> workerSettings = Map.of();
    private InetAddress metricsAddress = InetAddress.getLoopbackAddress();
    private Path pluginsDir;

    private record Raw(String text, String origin) {}

    Resolver(Map<String, String> flags, Map<String, String> env) {
      this.flags = flags;
      this.env = env;
      String configPath = flags.get(CONFIG);
      if (configPath == null) configPath = blankToNull(env.get(envName(CONFIG)));
      Set<String> keys = new LinkedHashSet<>();
      VALUE_OPTIONS.forEach(flag -> keys.add(fileKey(flag)));
      file =
          configPath == null
              ? ConfigFile.NONE
              : ConfigFile.read(Path.of(configPath), keys, problems);
    }

    private Raw raw(String flag) {
      String given = flags.get(flag);
      if (given != null) return new Raw(given, flag);
      String fromEnv = blankToNull(env.get(envName(flag)));
      if (fromEnv != null) return new Raw(fromEnv, envName(flag));
      String fromFile = file.get(fileKey(flag));
      if (fromFile != null) return new Raw(fromFile, fileKey(flag) + " in " + file.path());
      return null;
    }

    /** The option's parsed value, or {@code fallback} when unset or invalid (then recorded). */
    private <T> T value(String flag, T fallback, Function<String, T> parse) {
      Raw raw = raw(flag);
      if (raw == null) return fallback;
      try {
        return parse.apply(raw.text().trim());
      } catch (IllegalArgumentException e) {
        problems.add(fileKey(flag) + " (from " + raw.origin() + "): " + e.getMessage());
        return fallback;
      }
    }

    WorkerConfig settings(Map<String, String> settingFlags) {
      String sharedQueue = value(SHARED_QUEUE, TaskQueues.DEFAULT_SHARED, Resolver::queueName);
      String workerId = value(WORKER_ID, null, Resolver::workerId);
      Path workRoot = value(WORK_ROOT, null, Resolver::workRoot);
      int maxSessions =
          value(MAX_SESSIONS, WorkerConfig.DEFAULT_MAX_SESSIONS, Resolver::notNegativeInt);
      Map<String, Integer> pools = value(POOL, Map.of(), Resolver::pools);
      int maxStages =
          value(
              MAX_CONCURRENT_STAGES,
              WorkerConfig.DEFAULT_MAX_CONCURRENT_STAGES,
              Resolver::atLeastOne);
      Duration drain =
          value(DRAIN_TIMEOUT, WorkerConfig.DEFAULT_DRAIN_TIMEOUT, Resolver::notNegative);
      Duration janitor =
          value(
              JANITOR_PERIOD,
              dev.locality.activities.session.Janitor.DEFAULT_PERIOD,
              Resolver::positive);
      long minFreeDisk = value(MIN_FREE_DISK, 0L, ByteSizes::parse);
      int cacheEntries =
          value(
              RESOURCE_CACHE_MAX_ENTRIES,
              ResourceCache.DEFAULT_MAX_ENTRIES,
              Resolver::notNegativeInt);
      long cacheBytes =
          value(RESOURCE_CACHE_MAX_BYTES, ResourceCache.DEFAULT_MAX_BYTES, ByteSizes::parse);
      pluginsDir = value(PLUGINS_DIR, null, Path::of);
      metricsPort = value(METRICS_PORT, METRICS_OFF, Resolver::port);
      metricsAddress = value(METRICS_ADDRESS, InetAddress.getLoopbackAddress(), IpLiterals::parse);
      logFormat = value(LOG_FORMAT, LogSetup.Format.TEXT, LogSetup.Format::parse);

      workerSettings = new LinkedHashMap<>(file.workerSettings());
      workerSettings.putAll(workerSettingsFromEnv());
      workerSettings.putAll(settingFlags);
      dedicated(ALLOWED_FILE_ROOTS, AllowedFileRoots.SETTING.name(), workerSettings);
      dedicated(ALLOWED_UPLOAD_ROOTS, AllowedFileRoots.UPLOAD_SETTING.name(), workerSettings);
      dedicated(DOWNLOAD_ALLOW_HOSTS, HostPolicy.ALLOW.name(), workerSettings);
      dedicated(DOWNLOAD_DENY_HOSTS, HostPolicy.DENY.name(), workerSettings);
      dedicated(CACHE_SIZE, DownloadOptions.CACHE_SIZE.name(), workerSettings);
      if (!problems.isEmpty()) return null;
      try {
        return WorkerConfig.newBuilder()
            .setSharedQueue(sharedQueue)
            .setWorkerId(workerId)
            .setWorkRoot(workRoot)
            .setMaxSessions(maxSessions)
            .setPools(pools)
            .setMaxConcurrentStages(maxStages)
            .setDrainTimeout(drain)
            .setJanitorPeriod(janitor)
            .setMinFreeDiskBytes(minFreeDisk)
            .setResourceCacheMaxEntries(cacheEntries)
            .setResourceCacheMaxBytes(cacheBytes)
            .setPluginsDir(pluginsDir)
            .setSettings(workerSettings)
            .build();
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    private void dedicated(String flag, String setting, Map<String, String> workerSettings) {
      String value = value(flag, null, v -> v);
      if (value != null && !value.isBlank()) workerSettings.put(setting, value);
    }

    private Map<String, String> workerSettingsFromEnv() {
      Map<String, String> out = new LinkedHashMap<>();
      String text = env.get(SETTINGS_ENV);
      if (text == null) return out;
      for (String pair : text.split(";")) {
        if (pair.isBlank()) continue;
        int eq = pair.indexOf('=');
        if (eq <= 0) problems.add(SETTINGS_ENV + ": '" + pair.trim() + "' is not KEY=VALUE");
        else out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
      return out;
    }

    private static String queueName(String v) {
      if (v.isEmpty()) throw new IllegalArgumentException("must not be blank");
      if (v.contains("@"))
        throw new IllegalArgumentException("'" + v + "' must not contain '@' (unique queues do)");
      return v;
    }

    /**
     * {@code NAME[=SLOTS]} entries separated by commas ({@code --pool} repeated, a config file list
     * and {@code LOCALITY_POOL=gpu=1,default} all arrive in this form); a name without a slot count
     * gets max-sessions slots.
     */
    static Map<String, Integer> pools(String v) {
      Map<String, Integer> pools = new LinkedHashMap<>();
      for (String entry : v.split(",", -1)) {
        String text = entry.trim();
        int eq = text.indexOf('=');
        String name = (eq < 0 ? text : text.substring(0, eq)).trim();
        String problem = dev.locality.api.session.Pools.problem(name);
        if (problem != null) throw new IllegalArgumentException(problem + " (in '" + v + "')");
        Integer slots = null;
        if (eq >= 0) {
          String count = text.substring(eq + 1).trim();
          try {
            slots = Integer.parseInt(count);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "pool " + name + ": '" + count + "' is not a whole number of session slots");
          }
          if (slots < 1)
            throw new IllegalArgumentException(
                "pool " + name + " must have at least 1 session slot, got " + slots);
        }
        if (pools.containsKey(name))
          throw new IllegalArgumentException("pool " + name + " is given twice");
        pools.put(name, slots);
      }
      return pools;
    }

    private static String workerId(String v) {
      if (!v.matches("[A-Za-z0-9._-]+"))
        throw new IllegalArgumentException(
            "'" + v + "' may only contain letters, digits, '.', '_' and '-'");
      return v;
    }

    private static Path workRoot(String v) {
      Path path = Path.of(v);
      if (Files.exists(path) && !Files.isDirectory(path))
        throw new IllegalArgumentException(v + " exists and is not a directory");
      if (Files.isDirectory(path) && !Files.isWritable(path))
        throw new IllegalArgumentException(v + " is not writable");
      return path;
    }

    private static int atLeastOne(String v) {
      return wholeNumber(v, 1, "must be at least 1, got ");
    }

    private static int notNegativeInt(String v) {
      return wholeNumber(v, 0, "must be 0 or more, got ");
    }

    private static int wholeNumber(String v, int min, String tooSmall) {
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + v + "' is not a whole number");
      }
      if (n < min) throw new IllegalArgumentException(tooSmall + n);
      return n;
    }

    private static Duration notNegative(String v) {
      Duration d = Durations.parse(v);
      if (d.isNegative()) throw new IllegalArgumentException("must not be negative: " + v);
      return d;
    }

    private static Duration positive(String v) {
      Duration d = Durations.parse(v);
      if (d.isNegative() || d.isZero())
        throw new IllegalArgumentException("must be positive: " + v);
      return d;
    }

    private static int port(String v) {
      if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("none")) return METRICS_OFF;
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + v + "' is not a port number or 'off'");
      }
      if (n < 0 || n > 65535)
        throw new IllegalArgumentException(n + " is not a port number (0-65535, 0: any free port)");
      return n;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
