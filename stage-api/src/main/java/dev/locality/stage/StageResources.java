package dev.locality.stage;

/**
 * Resources a stage shares with every other session on the same worker: a loaded model, a reference
 * table, a connection pool. Reached through {@link StageContext#resources()}.
 *
 * <p><b>Lifecycle.</b> {@link #acquire} returns a {@link ResourceLease} on the resource stored
 * under {@code key}. On the first use of a key on a worker (or after the resource was evicted) the
 * {@link ResourceLoader} runs, once: stages of other sessions that ask for the same key meanwhile
 * wait for it (heartbeating, so they do not time out while they wait) and then share its result.
 * The resource stays in the worker's cache while any lease on it is open; once none is, it may be
 * evicted (closed through {@link LoadedResource#close()}) when the worker's count or weight budget
 * is exceeded, least recently used first, and it is closed when the worker shuts down. A stage
 * closes its lease when done with the value, best with try-with-resources, and never uses the value
 * after that:
 *
 * <pre>{@code
 * try (ResourceLease<Table> table =
 *     context.resources().acquire(url + "@" + etag, () -> LoadedResource.of(load(url), bytes))) {
 *   ... table.get() ...
 * }
 * }</pre>
 *
 * <p><b>Keys</b> are chosen by the stage and belong to it alone: the worker keeps every stage
 * type's keys apart, so two stages (or two plugins in their own class loaders) using the same key
 * never see each other's resources. Within one stage type a key stands for one kind of value: make
 * the key name everything the value depends on (the table's URL and its version, ETag or SHA-256),
 * so that a changed source gets a new key and is loaded again; an old version is evicted like any
 * other resource no longer used.
 *
 * <p><b>Failures.</b> A loader that throws caches nothing: the exception reaches the stage that ran
 * it, and the next {@code acquire} of the key (a waiting stage's too) runs the loader again.
 *
 * <p><b>Thread-safety:</b> implementations are thread-safe; the value itself is shared by the
 * sessions of a worker at once, so it must be safe for concurrent use (immutable, or synchronized
 * like a connection pool).
 */
public interface StageResources {
  /**
   * The resource under {@code key}, loaded by {@code loader} unless the worker has it already.
   * Blocks while another stage loads the same key, heartbeating.
   *
   * @param key names the resource and everything its value depends on; not blank
   * @param loader runs on the calling thread when the resource must be loaded; it heartbeats as any
   *     long piece of stage work does
   * @throws Exception what the loader threw
   * @throws StageCancelledException when the attempt must stop while it waits
   */
  <T> ResourceLease<T> acquire(String key, ResourceLoader<T> loader) throws Exception;

  /**
   * Resources that are never shared: every {@link #acquire} runs the loader and closing the lease
   * closes the resource. The default of {@link StageContext#resources()}, for implementations that
   * predate the worker's cache.
   */
  static StageResources unshared() {
    return new StageResources() {
      @Override
      public <T> ResourceLease<T> acquire(String key, ResourceLoader<T> loader) throws Exception {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("blank resource key");
        LoadedResource<T> loaded = loader.load();
        if (loaded == null) throw new IllegalStateException("resource loader returned null");
        return ResourceLease.of(loaded.value(), loaded::close);
      }
    };
  }
}
