package dev.locality.activities.stages.csv;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A least-recently-used cache of at most {@code capacity} entries, for values that are immutable
 * and a pure function of their key (so a value computed twice by racing threads is equal, and
 * either may be kept). Values are computed outside the lock. Thread-safe.
 */
final class BoundedCache<K, V> {
  private final int capacity;
  private final Map<K, V> entries;

  BoundedCache(int capacity) {
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > BoundedCache.this.capacity;
          }
        };
  }

  /** The cached value of {@code key}, computed by {@code compute} (which must not return null). */
  V get(K key, Function<K, V> compute) {
    synchronized (entries) {
      V cached = entries.get(key);
      if (cached != null) return cached;
    }
    V computed = compute.apply(key);
    synchronized (entries) {
      V raced = entries.putIfAbsent(key, computed);
      return raced != null ? raced : computed;
    }
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  int capacity() {
    return capacity;
  }
}
