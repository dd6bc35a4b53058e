package dev.locality.activities.stages.download;

import dev.locality.stage.StageContext;
import dev.locality.stage.runtime.ResourceCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link DownloadCache} of the worker a stage runs on: one per worker process, in the directory
 * {@value #DIR_NAME} of the process's incarnation directory (the parent of every session directory;
 * session names never start with a dot), sized by the worker setting {@link
 * DownloadOptions#CACHE_SIZE} ({@code --cache-size}; 0, the default, turns caching off). Made on
 * first use. Thread-safe.
 */
final class DownloadCaches {
  /** The cache directory's name inside the incarnation directory. */
  static final String DIR_NAME = ".download-cache";

  private final Map<Path, DownloadCache> caches = new ConcurrentHashMap<>();
  private final Path fixedDir;

  /** Caches next to the sessions, as on a worker. */
  DownloadCaches() {
    this(null);
  }

  /**
   * Caches in {@code fixedDir} whatever the session directory (tests whose sessions do not share a
   * parent).
   */
  DownloadCaches(Path fixedDir) {
    this.fixedDir = fixedDir;
  }

  /** The worker's cache, or empty when the worker has caching off. */
  Optional<DownloadCache> of(StageContext context) {
    long size = context.setting(DownloadOptions.CACHE_SIZE);
    if (size <= 0) return Optional.empty();
    Path parent = context.sessionDir().toAbsolutePath().normalize().getParent();
    if (parent == null && fixedDir == null) return Optional.empty();
    Path dir = fixedDir != null ? fixedDir : parent.resolve(DIR_NAME);
    return Optional.of(
        caches.computeIfAbsent(
            dir,
            d -> {
              try {
                return new DownloadCache(d, size, ResourceCache.WAIT_HEARTBEAT_MILLIS);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot create the download cache " + d, e);
              }
            }));
  }

  /** {@link DownloadCache#recentUrlHashes} of every cache made so far (one on a worker). */
  List<String> recentUrlHashes(int max) {
    List<String> all = new java.util.ArrayList<>();
    for (DownloadCache cache : caches.values()) all.addAll(cache.recentUrlHashes(max));
    return List.copyOf(all.subList(0, Math.min(max, all.size())));
  }

  /** The counts of every cache made so far, added up (zeros before the first). */
  DownloadCache.Stats stats() {
    long hits = 0, misses = 0, served = 0, evictions = 0, notCached = 0;
    for (DownloadCache cache : caches.values()) {
      DownloadCache.Stats s = cache.stats();
      hits += s.hits();
      misses += s.misses();
      served += s.bytesServed();
      evictions += s.evictions();
      notCached += s.notCached();
    }
    return new DownloadCache.Stats(hits, misses, served, evictions, notCached);
  }

  /** Bytes held by every cache made so far. */
  long bytes() {
    return caches.values().stream().mapToLong(DownloadCache::bytes).sum();
  }
}
