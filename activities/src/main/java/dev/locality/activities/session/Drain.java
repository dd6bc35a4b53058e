package dev.locality.activities.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worker's shutdown state as seen by session leases. {@link #begin()} marks the worker as
 * draining: leases that arrive now decline, open ones keep going. {@link #expire()} says the drain
 * timeout has passed: every open lease gives its session up with a non-retryable {@code
 * WorkerShutdown} failure so its workflow fails over at once. Both transitions are one-way and
 * idempotent. Thread-safe.
 */
public final class Drain {
  private volatile boolean draining;
  private volatile boolean expired;
  private final List<Runnable> expiryListeners = new CopyOnWriteArrayList<>();

  /** Starts draining: no new sessions. */
  public void begin() {
    draining = true;
  }

  /** The drain timeout passed: open sessions end now. Implies {@link #begin()}. */
  public void expire() {
    draining = true;
    expired = true;
    expiryListeners.forEach(Runnable::run);
  }

  public boolean isDraining() {
    return draining;
  }

  public boolean isExpired() {
    return expired;
  }

  /**
   * Runs {@code listener} when the drain expires (at once if it already has).
   *
   * @return closes the registration
   */
  public Registration onExpire(Runnable listener) {
    expiryListeners.add(listener);
    if (expired) listener.run();
    return () -> expiryListeners.remove(listener);
  }

  /** Removes a listener registered with {@link #onExpire}. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
