package dev.locality.worker;

import dev.locality.activities.session.Janitor;
import dev.locality.api.session.Pools;
import dev.locality.api.session.TaskQueues;
import dev.locality.stage.runtime.ResourceCache;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link LocalityWorker} runs: its queues, identity, disk, capacity and shutdown behaviour.
 * Immutable and thread-safe; build with {@link #newBuilder()}, whose {@link Builder#build()} fills
 * in defaults and rejects values a worker cannot run with.
 *
 * <pre>{@code
 * WorkerConfig settings =
 *     WorkerConfig.newBuilder()
 *         .setWorkRoot(Path.of("/var/lib/locality"))
 *         .setMaxSessions(2)
 *         .putSetting("allowedFileRoots", "/data")
 *         .build();
 * }</pre>
 */
public final class WorkerConfig {
  /** The environment variable naming the plugins directory, read by the worker and the CLI. */
  public static final String PLUGINS_DIR_ENV = "LOCALITY_PLUGINS_DIR";

  public static final int DEFAULT_MAX_SESSIONS = 4;
  public static final int DEFAULT_MAX_CONCURRENT_STAGES = 8;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_DISK_CHECK_PERIOD = Duration.ofSeconds(5);

  private final String sharedQueue;
  private final String workerId;
  private final Path workRoot;
  private final int maxSessions;
  private final int maxConcurrentStages;
  private final Duration drainTimeout;
  private final Duration janitorPeriod;
  private final Path pluginsDir;
  private final long minFreeDiskBytes;
  private final Duration diskCheckPeriod;
  private final int resourceCacheMaxEntries;
  private final long resourceCacheMaxBytes;
  private final Map<String, String> workerSettings;
  private final Map<String, Integer> pools;

  private WorkerConfig(Builder b, String workerId, Path workRoot, Map<String, Integer> pools) {
    this.sharedQueue = b.sharedQueue;
    this.workerId = workerId;
    this.workRoot = workRoot;
    this.maxSessions = b.maxSessions;
    this.maxConcurrentStages = b.maxConcurrentStages;
    this.drainTimeout = b.drainTimeout;
    this.janitorPeriod = b.janitorPeriod;
    this.pluginsDir = b.pluginsDir;
    this.minFreeDiskBytes = b.minFreeDiskBytes;
    this.diskCheckPeriod = b.diskCheckPeriod;
    this.resourceCacheMaxEntries = b.resourceCacheMaxEntries;
    this.resourceCacheMaxBytes = b.resourceCacheMaxBytes;
    this.workerSettings = Map.copyOf(b.workerSettings);
    this.pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Every setting at its default. */
  public static WorkerConfig defaults() {
    return newBuilder().build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The queue every worker polls for pipelines and session leases. Default {@code locality}. */
  public String sharedQueue() {
    return sharedQueue;
  }

  /** This worker's id in sessions, logs and metrics. Default: the host name. */
  public String workerId() {
    return workerId;
  }

  /** Directory holding the work directories of every worker process on this disk. */
  public Path workRoot() {
    return workRoot;
  }

  /**
   * Sessions (pipelines) this worker holds at once: its slots on the shared queue. Default 4. Zero
   * makes a workflows-only worker: it runs pipeline workflows (deciding failovers even while every
   * stage worker is down) and takes no sessions and no stages.
   */
  public int maxSessions() {
    return maxSessions;
  }

  /**
   * The resource pools this worker serves, in the order configured, each with its session slots:
   * the worker polls each pool's lease queue ({@link TaskQueues#leaseQueue}) with that many slots,
   * so a full pool stops taking sessions while the others go on. Default: {@code default} with
   * {@link #maxSessions()} slots; empty for a workflows-only worker ({@code maxSessions == 0}). A
   * pool configured without a slot count gets {@link #maxSessions()} slots.
   */
  public Map<String, Integer> pools() {
    return pools;
  }

  /** Session slots over every pool. */
  public int totalSessionSlots() {
    return pools.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Stage activities running at once across all sessions. Default 8. */
  public int maxConcurrentStages() {
    return maxConcurrentStages;
  }

  /**
   * How long a stopping worker lets open sessions finish before giving them up with a {@code
   * WorkerShutdown} failure (their pipelines fail over at once). Default 5 minutes.
   */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** Time between sweeps for work directories of dead worker processes. Default 60 s. */
  public Duration janitorPeriod() {
    return janitorPeriod;
  }

  /**
   * Directory of stage plugin jars ({@code *.jar}, each loaded by its own class loader), or null
   * for the built-in stages only. Default null.
   */
  public Path pluginsDir() {
    return pluginsDir;
  }

  /**
   * Free space the work root's file system must keep: below it the worker takes no new sessions
   * (lease polling is suspended, leases that still arrive decline) and reports not ready. 0 (the
   * default) turns the check off; free space is still measured and exported.
   */
  public long minFreeDiskBytes() {
    return minFreeDiskBytes;
  }

  /** Time between free-space checks of the work root. Default 5 s. */
  public Duration diskCheckPeriod() {
    return diskCheckPeriod;
  }

  /**
   * Shared stage resources ({@code StageContext.resources()}) the worker keeps at most: beyond it
   * unreferenced ones are evicted, least recently used first. Default {@value
   * dev.locality.stage.runtime.ResourceCache#DEFAULT_MAX_ENTRIES}.
   */
  public int resourceCacheMaxEntries() {
    return resourceCacheMaxEntries;
  }

  /**
   * The weight (about the heap bytes, as each resource states it) of the shared stage resources the
   * worker keeps at most: beyond it unreferenced ones are evicted. Default 256 MiB.
   */
  public long resourceCacheMaxBytes() {
    return resourceCacheMaxBytes;
  }

  /**
   * The worker settings stages read through {@code StageContext.setting} (name to value as
   * configured); checked against the loaded stages' declarations when the worker starts.
   */
  public Map<String, String> workerSettings() {
    return workerSettings;
  }

  @Override
  public String toString() {
    return "WorkerConfig{sharedQueue="
        + sharedQueue
        + ", workerId="
        + workerId
        + ", workRoot="
        + workRoot
        + ", maxSessions="
        + maxSessions
        + ", pools="
        + pools
        + ", maxConcurrentStages="
        + maxConcurrentStages
        + ", drainTimeout="
        + drainTimeout
        + ", janitorPeriod="
        + janitorPeriod
        + ", pluginsDir="
        + pluginsDir
        + ", minFreeDiskBytes="
        + minFreeDiskBytes
        + ", resourceCacheMaxEntries="
        + resourceCacheMaxEntries
        + ", resourceCacheMaxBytes="
        + resourceCacheMaxBytes
        + ", workerSettings="
        + workerSettings
        + "}";
  }

  /** The local host name, or {@code localhost} when it cannot be determined. */
  public static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (name != null && !name.isBlank()) return name;
    } catch (Exception e) {
      // fall through to the environment
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "localhost" : env;
  }

  /** Builds {@link WorkerConfig}; unset values take the documented defaults. Not thread-safe. */
  public static final class Builder {
    private String sharedQueue = TaskQueues.DEFAULT_SHARED;
    private String workerId;
    private Path workRoot;
    private int maxSessions = DEFAULT_MAX_SESSIONS;
    private int maxConcurrentStages = DEFAULT_MAX_CONCURRENT_STAGES;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private Duration janitorPeriod = Janitor.DEFAULT_PERIOD;
    private Path pluginsDir;
    private long minFreeDiskBytes;
    private Duration diskCheckPeriod = DEFAULT_DISK_CHECK_PERIOD;
    private int resourceCacheMaxEntries = ResourceCache.DEFAULT_MAX_ENTRIES;
    private long resourceCacheMaxBytes = ResourceCache.DEFAULT_MAX_BYTES;
    private final Map<String, String> workerSettings = new LinkedHashMap<>();
    private final Map<String, Integer> pools = new LinkedHashMap<>();

    private Builder() {}

    private Builder(WorkerConfig s) {
      sharedQueue = s.sharedQueue;
      workerId = s.workerId;
      workRoot = s.workRoot;
      maxSessions = s.maxSessions;
      maxConcurrentStages = s.maxConcurrentStages;
      drainTimeout = s.drainTimeout;
      janitorPeriod = s.janitorPeriod;
      pluginsDir = s.pluginsDir;
      minFreeDiskBytes = s.minFreeDiskBytes;
      diskCheckPeriod = s.diskCheckPeriod;
      resourceCacheMaxEntries = s.resourceCacheMaxEntries;
      resourceCacheMaxBytes = s.resourceCacheMaxBytes;
      workerSettings.putAll(s.workerSettings);
      if (!(s.pools.size() == 1 && s.pools.containsKey(Pools.DEFAULT)))
        pools.putAll(s.pools); // an implicit default pool follows maxSessions
    }

    public Builder setSharedQueue(String sharedQueue) {
      this.sharedQueue = sharedQueue;
      return this;
    }

    /** Null means the host name. */
    public Builder setWorkerId(String workerId) {
      this.workerId = workerId;
      return this;
    }

    /** Null means {@code ${java.io.tmpdir}/locality-work}. */
    public Builder setWorkRoot(Path workRoot) {
      this.workRoot = workRoot;
      return this;
    }

    public Builder setMaxSessions(int maxSessions) {
      this.maxSessions = maxSessions;
      return this;
    }

    public Builder setMaxConcurrentStages(int maxConcurrentStages) {
      this.maxConcurrentStages = maxConcurrentStages;
      return this;
    }

    public Builder setDrainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
      return this;
    }

    public Builder setJanitorPeriod(Duration janitorPeriod) {
      this.janitorPeriod = janitorPeriod;
      return this;
    }

    /** Null means built-in stages only. */
    public Builder setPluginsDir(Path pluginsDir) {
      this.pluginsDir = pluginsDir;
      return this;
    }

    /** 0 turns the free-space check off. */
    public Builder setMinFreeDiskBytes(long minFreeDiskBytes) {
      this.minFreeDiskBytes = minFreeDiskBytes;
      return this;
    }

    public Builder setDiskCheckPeriod(Duration diskCheckPeriod) {
      this.diskCheckPeriod = diskCheckPeriod;
      return this;
    }

    /** 0 keeps no shared resource beyond the stages using it. */
    public Builder setResourceCacheMaxEntries(int resourceCacheMaxEntries) {
      this.resourceCacheMaxEntries = resourceCacheMaxEntries;
      return this;
    }

    /** 0 keeps no shared resource beyond the stages using it. */
    public Builder setResourceCacheMaxBytes(long resourceCacheMaxBytes) {
      this.resourceCacheMaxBytes = resourceCacheMaxBytes;
      return this;
    }

    /**
     * Adds a resource pool this worker serves.
     *
     * @param name the pool name ({@link Pools#NAME_PATTERN})
     * @param slots its session slots (at least 1), or null for {@link #setMaxSessions maxSessions}
     */
    public Builder addPool(String name, Integer slots) {
      pools.put(name, slots);
      return this;
    }

    /** Replaces the pools (name to slots, a null count meaning maxSessions); empty: default. */
    public Builder setPools(Map<String, Integer> pools) {
      this.pools.clear();
      this.pools.putAll(pools);
      return this;
    }

    /** Sets one worker setting; a null value removes it. */
    public Builder putSetting(String name, String value) {
      if (value == null) workerSettings.remove(name);
      else workerSettings.put(name, value);
      return this;
    }

    /** Replaces all worker settings. */
    public Builder setSettings(Map<String, String> settings) {
      workerSettings.clear();
      workerSettings.putAll(settings);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting that cannot work
     */
    public WorkerConfig build() {
      if (sharedQueue == null || sharedQueue.isBlank())
        throw new IllegalArgumentException("shared queue must not be blank");
      String id = workerId == null || workerId.isBlank() ? hostName() : workerId;
      if (!id.matches("[A-Za-z0-9._-]+"))
        throw new IllegalArgumentException(
            "worker id '" + id + "' may only contain letters, digits, '.', '_' and '-'");
      Path root =
          workRoot != null
              ? workRoot
              : Path.of(System.getProperty("java.io.tmpdir"), "locality-work");
      if (maxSessions < 0)
        throw new IllegalArgumentException(
            "max sessions must be 0 (workflows only) or more, got " + maxSessions);
      if (maxConcurrentStages < 1)
        throw new IllegalArgumentException(
            "max concurrent stages must be at least 1, got " + maxConcurrentStages);
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      if (drainTimeout.isNegative())
        throw new IllegalArgumentException("drain timeout must not be negative: " + drainTimeout);
      Objects.requireNonNull(janitorPeriod, "janitorPeriod");
      if (janitorPeriod.isNegative() || janitorPeriod.isZero())
        throw new IllegalArgumentException("janitor period must be positive: " + janitorPeriod);
      if (minFreeDiskBytes < 0)
        throw new IllegalArgumentException(
            "minimum free disk must not be negative: " + minFreeDiskBytes);
      Objects.requireNonNull(diskCheckPeriod, "diskCheckPeriod");
      if (diskCheckPeriod.isNegative() || diskCheckPeriod.isZero())
        throw new IllegalArgumentException(
            "disk check period must be positive: " + diskCheckPeriod);
      if (resourceCacheMaxEntries < 0)
        throw new IllegalArgumentException(
            "resource cache max entries must be 0 or more, got " + resourceCacheMaxEntries);
      if (resourceCacheMaxBytes < 0)
        throw new IllegalArgumentException(
            "resource cache max bytes must not be negative: " + resourceCacheMaxBytes);
      return new WorkerConfig(this, id, root, resolvedPools());
    }

    private Map<String, Integer> resolvedPools() {
      Map<String, Integer> out = new LinkedHashMap<>();
      if (pools.isEmpty()) {
        if (maxSessions > 0) out.put(Pools.DEFAULT, maxSessions);
        return out;
      }
      if (maxSessions == 0)
        throw new IllegalArgumentException(
            "pools "
                + pools.keySet()
                + " need session slots, but max sessions is 0 (a workflows-only worker serves no"
                + " pool)");
      for (Map.Entry<String, Integer> pool : pools.entrySet()) {
        String problem = Pools.problem(pool.getKey());
        if (problem != null) throw new IllegalArgumentException("pool " + problem);
        Integer slots = pool.getValue();
        if (slots != null && slots < 1)
          throw new IllegalArgumentException(
              "pool " + pool.getKey() + " must have at least 1 session slot, got " + slots);
        out.put(pool.getKey(), slots == null ? maxSessions : slots);
      }
      return out;
    }
  }
}
