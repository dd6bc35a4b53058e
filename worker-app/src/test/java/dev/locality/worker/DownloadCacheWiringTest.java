package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of the download cache: {@code --cache-size} (flag, environment) becomes the
 * download stage's {@code downloadCacheSize} setting, and the registry's listing is read into the
 * holders the workflow offers a session to (live workers of the pool that hold the URL, free slots
 * first).
 */
class DownloadCacheWiringTest {
  @Test
  void cacheSizeFlagAndEnvironmentBecomeTheDownloadSetting() {
    WorkerConfiguration flag =
        WorkerConfiguration.resolve(Map.of("--cache-size", "20g"), Map.of(), Map.of());
    assertThat(flag.problems()).isEmpty();
    assertThat(flag.workerSettings()).containsEntry("downloadCacheSize", "20g");

    WorkerConfiguration env =
        WorkerConfiguration.resolve(Map.of(), Map.of(), Map.of("LOCALITY_CACHE_SIZE", "512m"));
    assertThat(env.workerSettings()).containsEntry("downloadCacheSize", "512m");

    WorkerConfiguration none = WorkerConfiguration.resolve(Map.of(), Map.of(), Map.of());
    assertThat(none.workerSettings()).doesNotContainKey("downloadCacheSize");
  }

  private static WorkerEntry entry(
      String id, String state, String pool, int slots, int open, List<String> urls) {
    WorkerReport report =
        new WorkerReport(
            id,
            "host",
            "v",
            "locality@" + id + "-00000000",
            List.of(new PoolReport(pool, slots, open)),
            0,
            false,
            urls);
    return new WorkerEntry(report, 0, state);
  }

  @Test
  void holdersAreLiveWorkersOfThePoolWithTheUrlFreeSlotsFirst() {
    WorkerListing listing =
        new WorkerListing(
            0,
            15_000,
            List.of(
                entry("full", WorkerEntry.LIVE, "default", 2, 2, List.of("h1")),
                entry("free", WorkerEntry.LIVE, "default", 4, 1, List.of("h0", "h1")),
                entry("gone", WorkerEntry.GONE, "default", 4, 0, List.of("h1")),
                entry("stopping", WorkerEntry.STOPPING, "default", 4, 0, List.of("h1")),
                entry("gpu", WorkerEntry.LIVE, "gpu", 4, 0, List.of("h1")),
                entry("other", WorkerEntry.LIVE, "default", 4, 0, List.of("h2"))));

    assertThat(RegistryLocalityHints.holders(listing, "default", "h1"))
        .containsExactly("free", "full");
    assertThat(RegistryLocalityHints.holders(listing, "gpu", "h1")).containsExactly("gpu");
    assertThat(RegistryLocalityHints.holders(listing, "default", "h9")).isEmpty();
  }

  @Test
  void aReportKeepsAtMostTheNewestCachedUrls() {
    List<String> many = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "h" + i).toList();
    WorkerReport report = new WorkerReport("w", "host", "v", "q", List.of(), 0, false, many);
    assertThat(report.cachedUrls()).hasSize(WorkerReport.MAX_CACHED_URLS).startsWith("h0", "h1");
  }

  @Test
  void aPreferredLeaseDeclinesWhenThePoolIsFullAndTakesItOtherwise() {
    java.util.concurrent.atomic.AtomicInteger inUse =
        new java.util.concurrent.atomic.AtomicInteger();
    PoolLeases.Pool pool = new PoolLeases.Pool("default", 2, null, inUse);
    java.util.List<String> held = new java.util.ArrayList<>();
    PreferredLease lease = new PreferredLease(r -> held.add(r.sessionId()), pool);
    dev.locality.api.session.SessionRequest request =
        new dev.locality.api.session.SessionRequest("s1", 1, List.of(), List.of());

    inUse.set(2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> lease.hold(request))
        .isInstanceOfSatisfying(
            io.temporal.failure.ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(dev.locality.api.workflow.Failures.LEASE_DECLINED);
              assertThat(f.getOriginalMessage()).contains("no free slot in pool default");
            });
    assertThat(held).isEmpty();

    inUse.set(1);
    lease.hold(request);
    assertThat(held).containsExactly("s1");
  }
}
