package dev.locality.stage.runtime;

import dev.locality.stage.LoadedResource;
import dev.locality.stage.ResourceLease;
import dev.locality.stage.ResourceLoader;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageResources;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's cache of shared stage resources ({@link StageResources}): one per worker process,
 * shared by all its sessions. Each stage attempt sees it through {@link #view}, which keeps the
 * stage type's keys apart from every other type's (a key collision between two stages, or two
 * plugins in their own class loaders, cannot hand one a value of the other's classes).
 *
 * <ul>
 *   <li><b>Load once</b>: the first {@code acquire} of a key runs the loader on its own thread,
 *       outside the cache's lock; concurrent acquires of the same key wait for it, calling their
 *       attempt's keep-alive (a heartbeat) every {@code waitHeartbeatMillis}, then share the value.
 *       A loader that throws leaves nothing cached: its caller gets the exception, the waiters try
 *       again (one of them loads next).
 *   <li><b>Reference counting</b>: every acquire returns a lease; the resource is referenced while
 *       a lease is open.
 *   <li><b>Eviction</b>: when more than {@code maxEntries} resources are cached, or their weights
 *       add up to more than {@code maxBytes}, unreferenced resources are evicted, least recently
 *       used first, and closed ({@link LoadedResource#close()}), right after a load or a release.
 *       Referenced resources are never evicted: the cache may stay over budget while they are in
 *       use (a single resource heavier than the budget is evicted once its last lease closes).
 *   <li><b>Shutdown</b>: {@link #close()} closes every unreferenced resource at once and every
 *       referenced one when its last lease closes; acquires after it fail.
 *   <li><b>Metrics</b>: hits, loads, load failures and evictions go to the {@link Listener} and are
 *       counted in {@link #stats()}.
 * </ul>
 *
 * Thread-safe: one lock guards the map and the counts; loaders and {@link LoadedResource#close()}
 * run outside it.
 */
public final class ResourceCache implements AutoCloseable {
  /** The worker's default count budget ({@code --resource-cache-max-entries}). */
  public static final int DEFAULT_MAX_ENTRIES = 32;

  /** The worker's default weight budget ({@code --resource-cache-max-bytes}): 256 MiB. */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;

  /** Default wait between two heartbeats of a stage waiting for another stage's load. */
  public static final long WAIT_HEARTBEAT_MILLIS = 1000;

  private static final System.Logger LOG = System.getLogger(ResourceCache.class.getName());

  /** What the cache reports, for a worker's metrics; called outside the cache's lock. */
  public interface Listener {
    /** An acquire found the resource loaded. */
    default void hit(String namespace) {}

    /** A loader succeeded after {@code nanos}, producing {@code weightBytes}. */
    default void loaded(String namespace, long nanos, long weightBytes) {}

    /** A loader threw. */
    default void loadFailed(String namespace) {}

    /**
     * A resource was removed and closed: {@code reason} is {@code count}, {@code weight} or {@code
     * shutdown}.
     */
    default void evicted(String namespace, String reason) {}
  }

  /** Counts since the cache was made. */
  public record Stats(long hits, long loads, long loadFailures, long evictions) {}

  private record Key(String namespace, String key) {
    @Override
    public String toString() {
      return namespace + ":" + key;
    }
  }

  private static final class Entry {
    final Key key;
    final CompletableFuture<Void> loading = new CompletableFuture<>();
    final Thread loader = Thread.currentThread();
    LoadedResource<?> resource; // null while loading
    int refs;
    boolean closeOnRelease; // dropped at shutdown while referenced

    Entry(Key key) {
      this.key = key;
    }
  }

  private record Eviction(Entry entry, String reason) {}

  private final int maxEntries;
  private final long maxBytes;
  private final long waitHeartbeatMillis;
  private final Listener listener;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong loadFailures = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private long weight;
  private boolean closed;

  /**
   * @param maxEntries resources kept at most (unreferenced ones beyond it are evicted); at least 0
   * @param maxBytes total weight kept at most; at least 0
   */
  public ResourceCache(int maxEntries, long maxBytes, Listener listener) {
    this(maxEntries, maxBytes, listener, WAIT_HEARTBEAT_MILLIS);
  }

  /** As above, heartbeating every {@code waitHeartbeatMillis} while waiting for another's load. */
  public ResourceCache(int maxEntries, long maxBytes, Listener listener, long waitHeartbeatMillis) {
    if (maxEntries < 0) throw new IllegalArgumentException("negative maxEntries " + maxEntries);
    if (maxBytes < 0) throw new IllegalArgumentException("negative maxBytes " + maxBytes);
    if (waitHeartbeatMillis <= 0)
      throw new IllegalArgumentException("waitHeartbeatMillis must be positive");
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.listener = listener == null ? new Listener() {} : listener;
    this.waitHeartbeatMillis = waitHeartbeatMillis;
  }

  /**
   * The cache as one stage attempt sees it: keys in the stage type's own namespace, and {@code
   * keepAlive} (the attempt's heartbeat, which may throw {@link StageCancelledException}) called
   * while it waits for another stage's load.
   */
  public StageResources view(String namespace, Runnable keepAlive) {
    return new StageResources() {
      @Override
      public <T> ResourceLease<T> acquire(String key, ResourceLoader<T> loader) throws Exception {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("blank resource key");
        return ResourceCache.this.acquire(new Key(namespace, key), loader, keepAlive);
      }
    };
  }

  private <T> ResourceLease<T> acquire(Key key, ResourceLoader<T> loader, Runnable keepAlive)
      throws Exception {
    while (true) {
      Entry entry;
      boolean mine = false;
      boolean hit = false;
      synchronized (this) {
        if (closed)
          throw new IllegalStateException(
              "the worker's resource cache is closed: the worker is shutting down");
        entry = entries.get(key);
        if (entry == null) {
          entry = new Entry(key);
          entries.put(key, entry);
          mine = true;
        } else if (entry.resource != null) {
          entry.refs++;
          hits.incrementAndGet();
          hit = true;
        } else if (entry.loader == Thread.currentThread()) {
          throw new IllegalStateException("the loader of resource " + key + " acquires it itself");
        }
      }
      if (mine) return load(entry, loader);
      if (hit) {
        listener.hit(key.namespace());
        return lease(entry);
      }
      await(entry, keepAlive);
    }
  }

  private void await(Entry entry, Runnable keepAlive) throws InterruptedException {
    while (!entry.loading.isDone()) {
      try {
        entry.loading.get(waitHeartbeatMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        keepAlive.run();
      } catch (ExecutionException e) {
        return; // never completed exceptionally; the next round looks again
      }
    }
  }

  private <T> ResourceLease<T> load(Entry entry, ResourceLoader<T> loader) throws Exception {
    long started = System.nanoTime();
    LoadedResource<T> loaded;
    try {
      loaded = loader.load();
      if (loaded == null)
        throw new IllegalStateException("the loader of resource " + entry.key + " returned null");
    } catch (Exception | Error e) {
      synchronized (this) {
        entries.remove(entry.key, entry);
      }
      loadFailures.incrementAndGet();
      entry.loading.complete(null);
      listener.loadFailed(entry.key.namespace());
      throw e;
    }
    List<Eviction> evicted;
    boolean shutDown;
    synchronized (this) {
      shutDown = closed;
      if (shutDown) {
        evicted = List.of();
      } else {
        entry.resource = loaded;
        entry.refs = 1;
        weight += loaded.weightBytes();
        loads.incrementAndGet();
        evicted = evict();
      }
    }
    entry.loading.complete(null);
    if (shutDown) {
      closeQuietly(entry.key, loaded);
      throw new IllegalStateException(
          "the worker's resource cache closed while " + entry.key + " loaded");
    }
    listener.loaded(entry.key.namespace(), System.nanoTime() - started, loaded.weightBytes());
    finish(evicted);
    return lease(entry);
  }

  @SuppressWarnings("unchecked")
  private <T> ResourceLease<T> lease(Entry entry) {
    return ResourceLease.of((T) entry.resource.value(), () -> release(entry));
  }

  private void release(Entry entry) {
    List<Eviction> evicted;
    synchronized (this) {
      entry.refs--;
      if (entry.closeOnRelease) {
        evicted = entry.refs == 0 ? List.of(new Eviction(entry, "shutdown")) : List.of();
      } else {
        evicted = evict();
      }
    }
    finish(evicted);
  }

  /** Removes unreferenced resources, least recently used first, while over a budget. */
  private List<Eviction> evict() {
    List<Eviction> evicted = new ArrayList<>();
    Iterator<Entry> lru = entries.values().iterator();
    while ((entries.size() > maxEntries || weight > maxBytes) && lru.hasNext()) {
      Entry candidate = lru.next();
      if (candidate.resource == null || candidate.refs > 0) continue;
      String reason = entries.size() > maxEntries ? "count" : "weight";
      lru.remove();
      weight -= candidate.resource.weightBytes();
      evicted.add(new Eviction(candidate, reason));
    }
    return evicted;
  }

  private void finish(List<Eviction> evicted) {
    for (Eviction e : evicted) {
      evictions.incrementAndGet();
      closeQuietly(e.entry().key, e.entry().resource);
      listener.evicted(e.entry().key.namespace(), e.reason());
    }
  }

  private static void closeQuietly(Key key, LoadedResource<?> resource) {
    try {
      resource.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "closing resource " + key + " failed", e);
    }
  }

  /** Resources cached now (loaded or loading). */
  public synchronized int size() {
    return entries.size();
  }

  /** The weights of the cached resources added up. */
  public synchronized long weightBytes() {
    return weight;
  }

  public int maxEntries() {
    return maxEntries;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public Stats stats() {
    return new Stats(hits.get(), loads.get(), loadFailures.get(), evictions.get());
  }

  /**
   * Closes every unreferenced resource now and each referenced one when its last lease closes;
   * later acquires fail. Idempotent.
   */
  @Override
  public void close() {
    List<Eviction> evicted = new ArrayList<>();
    synchronized (this) {
      if (closed) return;
      closed = true;
      for (Entry entry : entries.values()) {
        if (entry.resource == null) continue; // its loader sees the cache closed
        if (entry.refs == 0) evicted.add(new Eviction(entry, "shutdown"));
        else entry.closeOnRelease = true;
      }
      entries.clear();
      weight = 0;
    }
    finish(evicted);
  }
}
