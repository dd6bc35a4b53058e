package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DownloadCache} on its own: hits, LRU bounds, single download per key, best effort. */
class DownloadCacheTest {
  @TempDir Path tmp;
  private final AtomicInteger fetches = new AtomicInteger();

  private DownloadCache.Fetch writes(Path target, String body) {
    return () -> {
      fetches.incrementAndGet();
      Files.writeString(target, body);
      return new DownloadCache.Fetched(body.length(), body.length(), true);
    };
  }

  private Path target(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("sessions").resolve(name));
    return dir.resolve("file");
  }

  private DownloadCache.Outcome fetch(DownloadCache cache, String key, String body)
      throws Exception {
    Path target = target("s" + System.nanoTime());
    DownloadCache.Outcome outcome = cache.fetch(key, -1, target, () -> {}, writes(target, body));
    assertThat(Files.readString(target)).isEqualTo(body);
    return outcome;
  }

  @Test
  void aSecondFetchOfTheSameKeyIsALinkNotADownload() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 1000, 50);
    Path first = target("a");
    assertThat(cache.fetch("k", -1, first, () -> {}, writes(first, "hello")).hit()).isFalse();
    Path second = target("b");
    DownloadCache.Outcome hit = cache.fetch("k", -1, second, () -> {}, writes(second, "WRONG"));
    assertThat(hit.hit()).isTrue();
    assertThat(hit.transferred()).isZero();
    assertThat(fetches).hasValue(1);
    assertThat(Files.readString(second)).isEqualTo("hello");
    assertThat(Files.isSameFile(first, second)).isTrue();
    assertThat(Files.getAttribute(second, "unix:nlink")).isEqualTo(3); // both sessions + entry
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(cache.stats().bytesServed()).isEqualTo(5);
    // deleting a session's file (the session ends) leaves the entry
    Files.delete(first);
    Files.delete(second);
    Path third = target("c");
    assertThat(cache.fetch("k", -1, third, () -> {}, writes(third, "WRONG")).hit()).isTrue();
    assertThat(Files.readString(third)).isEqualTo("hello");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void anotherKeyIsAMiss() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 1000, 50);
    fetch(cache, "url etag1", "one");
    DownloadCache.Outcome changed = fetch(cache, "url etag2", "two");
    assertThat(changed.hit()).isFalse();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void leastRecentlyUsedEntriesGoOnceOverTheBudget() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 250, 50);
    String hundred = "x".repeat(100);
    fetch(cache, "a", hundred);
    fetch(cache, "b", hundred);
    assertThat(fetch(cache, "a", hundred).hit()).isTrue(); // a is now the most recent
    fetch(cache, "c", hundred); // 300 > 250: b goes
    assertThat(cache.bytes()).isLessThanOrEqualTo(250);
    assertThat(entryFiles(cache)).hasSize(2);
    assertThat(cache.stats().evictions()).isEqualTo(1);
    assertThat(fetch(cache, "a", hundred).hit()).isTrue();
    assertThat(fetch(cache, "c", hundred).hit()).isTrue();
    int before = fetches.get();
    assertThat(fetch(cache, "b", hundred).hit()).isFalse();
    assertThat(fetches.get()).isEqualTo(before + 1);
  }

  @Test
  void aFileLargerThanTheCacheIsDownloadedAndNotKept() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 10, 50);
    Path target = target("big");
    DownloadCache.Outcome o =
        cache.fetch("big", 20, target, () -> {}, writes(target, "x".repeat(20)));
    assertThat(o.hit()).isFalse();
    assertThat(Files.size(target)).isEqualTo(20);
    assertThat(entryFiles(cache)).isEmpty();
    // announced size unknown: cached, then evicted at once when released
    Path unknown = target("unknown");
    cache.fetch("big2", -1, unknown, () -> {}, writes(unknown, "y".repeat(20)));
    assertThat(Files.size(unknown)).isEqualTo(20);
    assertThat(entryFiles(cache)).isEmpty();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void concurrentFetchesOfOneKeyDownloadOnceAndTheOthersWaitKeepingAlive() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 1000, 20);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger keepAlives = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<DownloadCache.Outcome>> outcomes = new ArrayList<>();
      List<Path> targets = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Path target = target("c" + i);
        targets.add(target);
        outcomes.add(
            pool.submit(
                () ->
                    cache.fetch(
                        "same",
                        -1,
                        target,
                        keepAlives::incrementAndGet,
                        () -> {
                          fetches.incrementAndGet();
                          started.countDown();
                          Thread.sleep(400);
                          Files.writeString(target, "body");
                          return new DownloadCache.Fetched(4, 4, true);
                        })));
      }
      int hits = 0;
      for (Future<DownloadCache.Outcome> f : outcomes) {
        if (f.get(10, TimeUnit.SECONDS).hit()) hits++;
      }
      assertThat(fetches).hasValue(1);
      assertThat(hits).isEqualTo(3);
      assertThat(keepAlives.get()).isGreaterThan(0);
      for (Path t : targets) assertThat(Files.readString(t)).isEqualTo("body");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aChangedSourceIsHandedOverButNotCached() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 1000, 50);
    Path target = target("changed");
    DownloadCache.Outcome o =
        cache.fetch(
            "k",
            -1,
            target,
            () -> {},
            () -> {
              Files.writeString(target, "new");
              return new DownloadCache.Fetched(3, 3, false);
            });
    assertThat(o.hit()).isFalse();
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(entryFiles(cache)).isEmpty();
    assertThat(cache.stats().notCached()).isEqualTo(1);
    assertThat(fetch(cache, "k", "again").hit()).isFalse();
  }

  @Test
  void aCacheThatCannotBeWrittenStillCompletesTheDownload() throws Exception {
    Path dir = tmp.resolve("cache");
    DownloadCache cache = new DownloadCache(dir, 1000, 50);
    // the cache directory is gone and a file sits in its place: linking and copying fail
    Files.delete(dir);
    Files.writeString(dir, "not a directory");
    Path target = target("t");
    DownloadCache.Outcome o = cache.fetch("k", -1, target, () -> {}, writes(target, "data"));
    assertThat(o.hit()).isFalse();
    assertThat(o.size()).isEqualTo(4);
    assertThat(Files.readString(target)).isEqualTo("data");
    assertThat(cache.stats().notCached()).isEqualTo(1);
  }

  @Test
  void aNewCacheDeletesTemporaryFilesAndEntriesOfAnEarlierProcess() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cache"));
    Files.writeString(dir.resolve(".tmp-1234"), "half");
    Files.writeString(dir.resolve("0f0f-entry"), "old");
    DownloadCache cache = new DownloadCache(dir, 1000, 50);
    assertThat(entryFiles(cache)).isEmpty();
    try (Stream<Path> all = Files.list(dir)) {
      assertThat(all).isEmpty();
    }
  }

  @Test
  void aTamperedEntryIsNotHandedOut() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 1000, 50);
    fetch(cache, "k", "hello");
    for (Path entry : entryFiles(cache)) {
      entry.toFile().setWritable(true);
      Files.writeString(entry, "hello, changed");
    }
    Path target = target("after");
    DownloadCache.Outcome o = cache.fetch("k", -1, target, () -> {}, writes(target, "hello"));
    assertThat(o.hit()).isFalse();
    assertThat(Files.readString(target)).isEqualTo("hello");
  }

  @Test
  void entriesAreReadOnlyAndHaveNoTemporaryNames() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 1000, 50);
    fetch(cache, "k", "hello");
    List<Path> entries = entryFiles(cache);
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getFileName().toString()).doesNotStartWith(".");
    assertThat(entries.get(0).toFile().canWrite() && !isRoot()).isFalse();
    assertThat(Files.readString(entries.get(0))).isEqualTo("hello");
  }

  @Test
  void theUrlHashIsTheSha256OfTheUrlAsWritten() {
    // computed with Python's hashlib; the pipeline workflow's LocalityPreference.urlHash too
    assertThat(CacheKey.urlHash("http://a/b.csv"))
        .isEqualTo("d1ed8a6fb93b3ce40950c4b2ef5906af73b896b847cd30b043da4fd6033b5913");
  }

  @Test
  void heldUrlsAreReportedMostRecentFirstUntilEvicted() throws Exception {
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), 250, 50);
    String hundred = "x".repeat(100);
    for (String url : List.of("a", "b")) {
      Path t = target(url);
      cache.fetch("k-" + url, "hash-" + url, -1, t, () -> {}, writes(t, hundred));
    }
    assertThat(cache.recentUrlHashes(10)).containsExactly("hash-b", "hash-a");
    Path again = target("a2");
    cache.fetch("k-a", "hash-a", -1, again, () -> {}, writes(again, hundred));
    assertThat(cache.recentUrlHashes(10)).containsExactly("hash-a", "hash-b");
    assertThat(cache.recentUrlHashes(1)).containsExactly("hash-a");
    Path c = target("c");
    cache.fetch("k-c", "hash-c", -1, c, () -> {}, writes(c, hundred)); // b is evicted
    assertThat(cache.recentUrlHashes(10)).containsExactly("hash-c", "hash-a");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<Path> entryFiles(DownloadCache cache) throws Exception {
    try (Stream<Path> files = Files.list(cache.dir())) {
      return files.toList();
    }
  }
}
