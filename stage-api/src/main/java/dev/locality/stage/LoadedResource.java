package dev.locality.stage;

import java.util.Objects;

/**
 * What a {@link ResourceLoader} produced: the value, its weight (about the heap bytes it holds; the
 * worker's memory budget for resources counts it) and what closes it when the worker evicts it or
 * shuts down. Immutable.
 *
 * @param <T> the resource's type
 */
public final class LoadedResource<T> {
  private final T value;
  private final long weightBytes;
  private final AutoCloseable closer;

  private LoadedResource(T value, long weightBytes, AutoCloseable closer) {
    this.value = Objects.requireNonNull(value, "value");
    if (weightBytes < 0) throw new IllegalArgumentException("negative weight " + weightBytes);
    this.weightBytes = weightBytes;
    this.closer = closer;
  }

  /**
   * A resource of about {@code weightBytes} heap bytes, closed when evicted if it is {@link
   * AutoCloseable} (a connection pool), else simply dropped.
   */
  public static <T> LoadedResource<T> of(T value, long weightBytes) {
    return new LoadedResource<>(value, weightBytes, value instanceof AutoCloseable c ? c : null);
  }

  /** A resource closed by {@code closer} when evicted. */
  public static <T> LoadedResource<T> of(T value, long weightBytes, AutoCloseable closer) {
    return new LoadedResource<>(value, weightBytes, Objects.requireNonNull(closer, "closer"));
  }

  public T value() {
    return value;
  }

  /** About the heap bytes the value holds; 0 for a resource that holds little. */
  public long weightBytes() {
    return weightBytes;
  }

  /**
   * Closes the value (when it has a closer), reporting a failure to close as an unchecked
   * exception.
   */
  public void close() {
    if (closer == null) return;
    try {
      closer.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing a resource failed: " + e, e);
    }
  }
}
