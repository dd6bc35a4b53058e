package dev.locality.stage.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.LoadedResource;
import dev.locality.stage.ResourceLease;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageResources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResourceCacheTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final ResourceCache.Listener listener =
      new ResourceCache.Listener() {
        @Override
        public void hit(String namespace) {
          events.add("hit " + namespace);
        }

        @Override
        public void loaded(String namespace, long nanos, long weightBytes) {
          events.add("load " + namespace + " " + weightBytes);
        }

        @Override
        public void loadFailed(String namespace) {
          events.add("failed " + namespace);
        }

        @Override
        public void evicted(String namespace, String reason) {
          events.add("evict " + namespace + " " + reason);
        }
      };

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A resource that records whether it was closed. */
  static final class Probe implements AutoCloseable {
    final String name;
    final AtomicInteger closes = new AtomicInteger();

    Probe(String name) {
      this.name = name;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private static ResourceLease<Probe> take(StageResources r, String key, long weight)
      throws Exception {
    return r.acquire(key, () -> LoadedResource.of(new Probe(key), weight));
  }

  @Test
  void concurrentFirstUseLoadsOnceWhileTheOthersWaitHeartbeating() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener, 20);
    int stages = 8;
    AtomicInteger loaderRuns = new AtomicInteger();
    AtomicInteger heartbeats = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(stages);
    List<Future<Probe>> got = new ArrayList<>();
    for (int i = 0; i < stages; i++) {
      got.add(
          pool.submit(
              () -> {
                StageResources view = cache.view("lookup", heartbeats::incrementAndGet);
                start.await();
                try (ResourceLease<Probe> lease =
                    view.acquire(
                        "table@v1",
                        () -> {
                          loaderRuns.incrementAndGet();
                          Thread.sleep(300); // long enough for every other stage to wait
                          return LoadedResource.of(new Probe("t"), 100);
                        })) {
                  return lease.get();
                }
              }));
    }
    Probe first = got.get(0).get(10, TimeUnit.SECONDS);
    for (Future<Probe> f : got) assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
    assertThat(loaderRuns).hasValue(1);
    assertThat(cache.stats()).isEqualTo(new ResourceCache.Stats(stages - 1, 1, 0, 0));
    assertThat(heartbeats.get()).as("waiting stages heartbeat").isGreaterThanOrEqualTo(stages - 1);
    assertThat(first.closes).hasValue(0);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.weightBytes()).isEqualTo(100);
  }

  @Test
  void aFailedLoadIsNotCachedAndTheNextAcquireLoadsAgain() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener);
    StageResources view = cache.view("lookup", () -> {});
    assertThatThrownBy(
            () ->
                view.acquire(
                    "k",
                    () -> {
                      throw new IOException("network down");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("network down");
    assertThat(cache.size()).isZero();
    try (ResourceLease<Probe> lease = take(view, "k", 5)) {
      assertThat(lease.get().name).isEqualTo("k");
    }
    assertThat(cache.stats()).isEqualTo(new ResourceCache.Stats(0, 1, 1, 0));
    assertThat(events).containsExactly("failed lookup", "load lookup 5");
  }

  @Test
  void aStageWaitingForALoadThatFailsLoadsItself() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener, 10);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    Future<?> failing =
        pool.submit(
            () ->
                cache
                    .view("lookup", () -> {})
                    .acquire(
                        "k",
                        () -> {
                          loading.countDown();
                          fail.await();
                          throw new IOException("first load failed");
                        }));
    loading.await();
    AtomicInteger waits = new AtomicInteger();
    Future<Probe> waiter =
        pool.submit(
            () -> {
              try (ResourceLease<Probe> l =
                  take(
                      cache.view(
                          "lookup",
                          () -> {
                            if (waits.incrementAndGet() == 3) fail.countDown();
                          }),
                      "k",
                      1)) {
                return l.get();
              }
            });
    assertThat(waiter.get(10, TimeUnit.SECONDS).name).isEqualTo("k");
    assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage("first load failed");
    assertThat(waits.get()).isGreaterThanOrEqualTo(3);
    assertThat(cache.stats()).isEqualTo(new ResourceCache.Stats(0, 1, 1, 0));
  }

  @Test
  void aWaitingStageThatIsCancelledStopsWaiting() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener, 10);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ResourceCache slow = new ResourceCache(10, 1 << 20, listener, 10);
    Future<?> slowLoad =
        pool.submit(
            () ->
                slow.view("lookup", () -> {})
                    .acquire(
                        "k",
                        () -> {
                          loading.countDown();
                          finish.await();
                          return LoadedResource.of(new Probe("k"), 1);
                        }));
    loading.await();
    StageCancelledException cancel = new StageCancelledException("cancelled");
    assertThatThrownBy(
            () ->
                take(
                    slow.view(
                        "lookup",
                        () -> {
                          throw cancel;
                        }),
                    "k",
                    1))
        .isSameAs(cancel);
    finish.countDown();
    slowLoad.get(10, TimeUnit.SECONDS);
    assertThat(slow.stats().loads()).isEqualTo(1);
  }

  @Test
  void evictsByCountOnlyUnreferencedLeastRecentlyUsedFirstAndClosesThem() throws Exception {
    ResourceCache cache = new ResourceCache(2, 1 << 20, listener);
    StageResources view = cache.view("s", () -> {});
    ResourceLease<Probe> a = take(view, "a", 1);
    ResourceLease<Probe> b = take(view, "b", 1);
    ResourceLease<Probe> c = take(view, "c", 1);
    Probe pa = a.get();
    Probe pb = b.get();
    Probe pc = c.get();
    assertThat(cache.size()).as("all referenced: over budget, nothing evicted").isEqualTo(3);
    assertThat(cache.stats().evictions()).isZero();
    b.close();
    assertThat(cache.size()).isEqualTo(2);
    assertThat(pb.closes).hasValue(1);
    assertThat(pa.closes).hasValue(0);
    a.close();
    c.close();
    assertThat(cache.size()).as("within budget now").isEqualTo(2);
    // a used more recently than c: a new entry evicts c
    take(view, "a", 1).close();
    take(view, "d", 1).close();
    assertThat(pc.closes).hasValue(1);
    assertThat(pa.closes).hasValue(0);
    assertThat(cache.stats()).isEqualTo(new ResourceCache.Stats(1, 4, 0, 2));
    assertThat(events).contains("evict s count");
    a.close(); // a second close does nothing
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void evictsByWeightOnlyUnreferenced() throws Exception {
    ResourceCache cache = new ResourceCache(100, 100, listener);
    StageResources view = cache.view("s", () -> {});
    ResourceLease<Probe> a = take(view, "a", 60);
    ResourceLease<Probe> b = take(view, "b", 60);
    assertThat(cache.weightBytes()).isEqualTo(120);
    assertThat(cache.size()).isEqualTo(2);
    Probe pa = a.get();
    a.close();
    assertThat(pa.closes).hasValue(1);
    assertThat(cache.weightBytes()).isEqualTo(60);
    assertThat(events).contains("evict s weight");
    // heavier than the whole budget: kept while used, evicted on release
    ResourceLease<Probe> huge = take(view, "huge", 500);
    Probe ph = huge.get();
    b.close();
    assertThat(cache.size()).isEqualTo(1);
    huge.close();
    assertThat(ph.closes).hasValue(1);
    assertThat(cache.size()).isZero();
    assertThat(cache.weightBytes()).isZero();
  }

  @Test
  void stagesHaveTheirOwnNamespaces() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener);
    try (ResourceLease<Probe> x = take(cache.view("plugin-x", () -> {}), "same", 1);
        ResourceLease<Probe> y = take(cache.view("plugin-y", () -> {}), "same", 1)) {
      assertThat(x.get()).isNotSameAs(y.get());
    }
    assertThat(cache.stats().loads()).isEqualTo(2);
  }

  @Test
  void closeClosesIdleResourcesAtOnceAndUsedOnesOnRelease() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener);
    StageResources view = cache.view("s", () -> {});
    ResourceLease<Probe> idle = take(view, "idle", 1);
    Probe pi = idle.get();
    idle.close();
    ResourceLease<Probe> used = take(view, "used", 1);
    Probe pu = used.get();
    cache.close();
    assertThat(pi.closes).hasValue(1);
    assertThat(pu.closes).hasValue(0);
    assertThat(used.get()).isSameAs(pu);
    used.close();
    assertThat(pu.closes).hasValue(1);
    assertThat(events).filteredOn(e -> e.startsWith("evict")).containsOnly("evict s shutdown");
    assertThatThrownBy(() -> take(view, "idle", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shutting down");
    cache.close(); // idempotent
    assertThat(pi.closes).hasValue(1);
  }

  @Test
  void aResourceLoadedWhileTheCacheClosesIsClosedAndNotHandedOut() throws Exception {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener);
    Probe p = new Probe("late");
    assertThatThrownBy(
            () ->
                cache
                    .view("s", () -> {})
                    .acquire(
                        "k",
                        () -> {
                          cache.close();
                          return LoadedResource.of(p, 1);
                        }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(p.closes).hasValue(1);
  }

  @Test
  void aLoaderThatAcquiresItsOwnKeyFailsInsteadOfWaitingForever() {
    ResourceCache cache = new ResourceCache(10, 1 << 20, listener);
    StageResources view = cache.view("s", () -> {});
    assertThatThrownBy(() -> view.acquire("k", () -> LoadedResource.of(take(view, "k", 1), 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("acquires it itself");
    assertThat(cache.size()).isZero();
  }

  @Test
  void underConcurrentUseNoResourceIsClosedWhileLeasedAndEachIsClosedOnce() throws Exception {
    ResourceCache cache = new ResourceCache(3, 60, listener, 5);
    List<Probe> created = Collections.synchronizedList(new ArrayList<>());
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<Integer>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      work.add(
          pool.submit(
              () -> {
                java.util.Random random = new java.util.Random(seed);
                StageResources view = cache.view("s", () -> {});
                start.await();
                int checks = 0;
                for (int i = 0; i < 400; i++) {
                  String key = "k" + random.nextInt(6);
                  int weight = 5 + random.nextInt(26);
                  try (ResourceLease<Probe> lease =
                      view.acquire(
                          key,
                          () -> {
                            Probe p = new Probe(key);
                            created.add(p);
                            if (random.nextInt(10) == 0) Thread.yield();
                            return LoadedResource.of(p, weight);
                          })) {
                    Probe p = lease.get();
                    assertThat(p.closes).as("a leased resource is open").hasValue(0);
                    Thread.yield();
                    assertThat(p.closes).as("still open while leased").hasValue(0);
                    checks++;
                  }
                }
                return checks;
              }));
    }
    for (Future<Integer> f : work) assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(400);
    ResourceCache.Stats stats = cache.stats();
    assertThat(stats.hits() + stats.loads()).isEqualTo(threads * 400L);
    assertThat(stats.loads()).isEqualTo(created.size());
    assertThat(cache.size()).isLessThanOrEqualTo(3);
    assertThat(cache.weightBytes()).isLessThanOrEqualTo(60);
    cache.close();
    assertThat(created).allSatisfy(p -> assertThat(p.closes).hasValue(1));
    assertThat(cache.stats().evictions()).isEqualTo(created.size());
  }

  @Test
  void unsharedResourcesLoadEveryTimeAndCloseWithTheLease() throws Exception {
    StageResources unshared = StageResources.unshared();
    ResourceLease<Probe> a = take(unshared, "k", 1);
    ResourceLease<Probe> b = take(unshared, "k", 1);
    assertThat(a.get()).isNotSameAs(b.get());
    Probe pa = a.get();
    a.close();
    assertThat(pa.closes).hasValue(1);
    assertThatThrownBy(a::get).isInstanceOf(IllegalStateException.class);
    b.close();
  }
}
