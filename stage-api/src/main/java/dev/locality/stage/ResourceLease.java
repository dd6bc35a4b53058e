package dev.locality.stage;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stage's hold on a shared resource from {@link StageResources#acquire}: while it is open the
 * resource is not evicted. Close it when done with the value (try-with-resources); the value must
 * not be used afterwards. Closing twice does nothing. Thread-safe.
 *
 * @param <T> the resource's type
 */
public interface ResourceLease<T> extends AutoCloseable {
  /** The resource; the same object for every lease on the same cached resource. */
  T get();

  /** Releases the hold. Never throws. */
  @Override
  void close();

  /** A lease on {@code value} that runs {@code release} on its first close. */
  static <T> ResourceLease<T> of(T value, Runnable release) {
    AtomicBoolean closed = new AtomicBoolean();
    return new ResourceLease<>() {
      @Override
      public T get() {
        if (closed.get()) throw new IllegalStateException("the resource lease is closed");
        return value;
      }

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) release.run();
      }
    };
  }
}
