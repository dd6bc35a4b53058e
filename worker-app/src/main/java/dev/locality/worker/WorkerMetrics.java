package dev.locality.worker;

import dev.locality.activities.stages.download.DownloadCache;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.runtime.ResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Locality's own meters on a worker. Every meter carries {@code worker_id}; none carries the
 * worker's unique queue name (one new series per process start would be unbounded cardinality).
 * Names as Prometheus shows them:
 *
 * <table>
 *   <caption>Worker metrics</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code locality_sessions_open}</td><td>gauge</td><td></td><td>sessions held now</td></tr>
 *   <tr><td>{@code locality_sessions_capacity}</td><td>gauge</td><td></td><td>max sessions</td></tr>
 *   <tr><td>{@code locality_sessions_opened_total}</td><td>counter</td><td></td><td>sessions
 *       granted</td></tr>
 *   <tr><td>{@code locality_sessions_ended_total}</td><td>counter</td><td>{@code reason}: {@code
 *       closed}, {@code worker_shutdown}, {@code lost}, {@code error}</td><td>sessions ended</td></tr>
 *   <tr><td>{@code locality_sessions_declined_total}</td><td>counter</td><td>{@code reason}: {@code
 *       avoided}, {@code draining}, {@code low_disk}</td><td>leases refused</td></tr>
 *   <tr><td>{@code locality_stage_duration_seconds}</td><td>histogram</td><td>{@code stage},
 *       {@code outcome}: {@code success}, {@code bad_input}, {@code session_lost}, {@code
 *       cancelled}, {@code error}</td><td>stage attempts</td></tr>
 *   <tr><td>{@code locality_stage_bytes_total}</td><td>counter</td><td>{@code stage}, {@code
 *       direction}: {@code in}, {@code out}</td><td>bytes moved by successful attempts</td></tr>
 *   <tr><td>{@code locality_stage_rows_total}</td><td>counter</td><td>{@code stage}, {@code
 *       kind}: {@code in}, {@code out}, {@code filtered}, {@code rejected}</td><td>rows</td></tr>
 *   <tr><td>{@code locality_resources_hits_total}</td><td>counter</td><td>{@code stage}</td><td>shared
 *       resources found loaded</td></tr>
 *   <tr><td>{@code locality_resources_loads_total}</td><td>counter</td><td>{@code stage}</td><td>shared
 *       resources loaded</td></tr>
 *   <tr><td>{@code locality_resources_load_failures_total}</td><td>counter</td><td>{@code
 *       stage}</td><td>loads that failed (nothing cached)</td></tr>
 *   <tr><td>{@code locality_resources_evictions_total}</td><td>counter</td><td>{@code stage},
 *       {@code reason}: {@code count}, {@code weight}, {@code shutdown}</td><td>resources
 *       closed</td></tr>
 *   <tr><td>{@code locality_resources_cached}</td><td>gauge</td><td></td><td>shared resources held
 *       now</td></tr>
 *   <tr><td>{@code locality_resources_weight_bytes}</td><td>gauge</td><td></td><td>their stated
 *       weights added up</td></tr>
 *   <tr><td>{@code locality_resources_max_bytes}</td><td>gauge</td><td></td><td>the weight
 *       budget</td></tr>
 *   <tr><td>{@code locality_janitor_deletions_total}</td><td>counter</td><td></td><td>work
 *       directories of dead processes deleted</td></tr>
 *   <tr><td>{@code locality_disk_free_bytes}</td><td>gauge</td><td></td><td>usable space of the
 *       work root's file system</td></tr>
 *   <tr><td>{@code locality_disk_minimum_bytes}</td><td>gauge</td><td></td><td>configured minimum
 *       (0: off)</td></tr>
 *   <tr><td>{@code locality_worker_draining}</td><td>gauge</td><td></td><td>1 while
 *       draining</td></tr>
 *   <tr><td>{@code locality_worker_info}</td><td>gauge</td><td>{@code version}</td><td>always
 *       1</td></tr>
 * </table>
 *
 * Thread-safe.
 */
final class WorkerMetrics {
  /** Tag on every Locality and Temporal SDK meter of the worker. */
  static final String WORKER_ID = "worker_id";

  /** The SDK tag that would carry the unique queue name; rewritten, see {@link #newRegistry}. */
  static final String TASK_QUEUE = "task_queue";

  private static final Duration[] STAGE_BUCKETS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(10),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(30),
    Duration.ofHours(2)
  };

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter opened;
  private final Counter janitorDeletions;

  WorkerMetrics(MeterRegistry registry, String workerId) {
    this.registry = registry;
    this.tags = Tags.of(WORKER_ID, workerId);
    this.opened = counter("locality.sessions.opened", "Sessions this worker granted", Tags.empty());
    this.janitorDeletions =
        counter(
            "locality.janitor.deletions",
            "Work directories of dead worker processes deleted",
            Tags.empty());
  }

  /**
   * A Prometheus registry for one worker: the SDK's {@code task_queue} tag keeps the names of the
   * shared queue and of the pools' lease queues (few, configured) and shows the worker's unique
   * queue (a name with {@code @}, new in every process) as {@code <shared>@unique}.
   */
  static PrometheusMeterRegistry newRegistry(String sharedQueue) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(uniqueQueueFilter(sharedQueue));
    return registry;
  }

  static MeterFilter uniqueQueueFilter(String sharedQueue) {
    return MeterFilter.replaceTagValues(
        TASK_QUEUE,
        queue ->
            queue.equals(sharedQueue) || !queue.contains("@") ? queue : sharedQueue + "@unique");
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Registers the gauges; the suppliers are read at every scrape and must be cheap. */
  void gauges(
      IntSupplier openSessions,
      int capacity,
      LongSupplier freeDisk,
      long minFreeDisk,
      BooleanSupplier draining,
      String version) {
    gauge("locality.sessions.open", "Sessions held now", null, openSessions::getAsInt);
    gauge("locality.sessions.capacity", "Sessions this worker holds at most", null, () -> capacity);
    gauge(
        "locality.disk.free",
        "Usable space of the work root's file system",
        "bytes",
        freeDisk::getAsLong);
    gauge(
        "locality.disk.minimum",
        "Free space below which the worker takes no new sessions (0: no minimum)",
        "bytes",
        () -> minFreeDisk);
    gauge(
        "locality.worker.draining",
        "1 while the worker drains",
        null,
        () -> draining.getAsBoolean() ? 1 : 0);
    Gauge.builder("locality.worker.info", () -> 1)
        .description("Always 1; the version tag says what runs")
        .tags(tags.and("version", version))
        .register(registry);
  }

  /** Gauges of the worker's shared stage resources, read from {@code cache} at every scrape. */
  void resourceGauges(ResourceCache cache) {
    gauge("locality.resources.cached", "Shared stage resources held now", null, cache::size);
    gauge(
        "locality.resources.weight",
        "Stated weights of the shared stage resources held now",
        "bytes",
        cache::weightBytes);
    gauge(
        "locality.resources.max",
        "Weight budget of the shared stage resources",
        "bytes",
        cache::maxBytes);
  }

  /**
   * The download cache's counts ({@code download} with {@code cache: true}), read from {@code
   * stats} (zero while the cache is off): hits, misses, bytes handed out from the cache instead of
   * downloaded, evictions, downloads not cached (best effort), and the bytes held now.
   */
  void downloadCacheMeters(
      java.util.function.Supplier<DownloadCache.Stats> stats, LongSupplier bytesHeld) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "locality.download.cache.hits", stats, s -> s.get().hits())
        .description("Downloads taken from the worker's download cache")
        .tags(tags)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "locality.download.cache.misses", stats, s -> s.get().misses())
        .description("Cached downloads fetched from their source and then cached")
        .tags(tags)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "locality.download.cache.served", stats, s -> s.get().bytesServed())
        .description("Bytes handed to sessions from the download cache")
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "locality.download.cache.evictions", stats, s -> s.get().evictions())
        .description("Download cache entries evicted (least recently used first)")
        .tags(tags)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "locality.download.cache.uncached", stats, s -> s.get().notCached())
        .description("Downloads with cache: true that could not be cached (best effort)")
        .tags(tags)
        .register(registry);
    gauge(
        "locality.download.cache.bytes",
        "Bytes of files the download cache holds now",
        "bytes",
        bytesHeld::getAsLong);
  }

  /**
   * Counters of the worker's shared stage resources, fed by the returned listener and tagged with
   * the stage type (a bounded set).
   */
  ResourceCache.Listener resourceListener() {
    return new ResourceCache.Listener() {
      @Override
      public void hit(String stage) {
        resourceCounter("locality.resources.hits", "Shared resources found loaded", stage)
            .increment();
      }

      @Override
      public void loaded(String stage, long nanos, long weightBytes) {
        resourceCounter("locality.resources.loads", "Shared resources loaded", stage).increment();
      }

      @Override
      public void loadFailed(String stage) {
        resourceCounter(
                "locality.resources.load.failures", "Shared resource loads that failed", stage)
            .increment();
      }

      @Override
      public void evicted(String stage, String reason) {
        counter(
                "locality.resources.evictions",
                "Shared resources closed, by reason",
                Tags.of("stage", stage, "reason", reason))
            .increment();
      }
    };
  }

  private Counter resourceCounter(String name, String description, String stage) {
    return counter(name, description, Tags.of("stage", stage));
  }

  void sessionOpened() {
    opened.increment();
  }

  void sessionEnded(String reason) {
    counter("locality.sessions.ended", "Sessions ended, by reason", Tags.of("reason", reason))
        .increment();
  }

  void leaseDeclined(String reason) {
    counter("locality.sessions.declined", "Leases declined, by reason", Tags.of("reason", reason))
        .increment();
  }

  void janitorDeleted() {
    janitorDeletions.increment();
  }

  /** Records one stage attempt; {@code metrics} (nullable) only for successful ones. */
  void stageFinished(String stage, String outcome, long nanos, StageMetrics metrics) {
    Timer.builder("locality.stage.duration")
        .description("Stage attempts, by stage type and outcome")
        .tags(tags.and("stage", stage, "outcome", outcome))
        .serviceLevelObjectives(STAGE_BUCKETS)
        .register(registry)
        .record(Duration.ofNanos(nanos));
    if (metrics == null) return;
    add(stage, "locality.stage.bytes", "direction", "in", metrics.bytesIn());
    add(stage, "locality.stage.bytes", "direction", "out", metrics.bytesOut());
    add(stage, "locality.stage.rows", "kind", "in", metrics.rowsIn());
    add(stage, "locality.stage.rows", "kind", "out", metrics.rowsOut());
    add(stage, "locality.stage.rows", "kind", "filtered", metrics.rowsFiltered());
    add(stage, "locality.stage.rows", "kind", "rejected", metrics.rowsRejected());
  }

  private void add(String stage, String name, String key, String value, long amount) {
    if (amount < 0) return; // -1: the stage does not count this
    Counter.builder(name)
        .description(name.endsWith("bytes") ? "Bytes stages moved" : "Rows stages handled")
        .baseUnit(name.endsWith("bytes") ? "bytes" : null)
        .tags(tags.and("stage", stage, key, value))
        .register(registry)
        .increment(amount);
  }

  private Counter counter(String name, String description, Tags extra) {
    return Counter.builder(name).description(description).tags(tags.and(extra)).register(registry);
  }

  private void gauge(
      String name, String description, String unit, java.util.function.Supplier<Number> value) {
    Gauge.builder(name, value)
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }
}
