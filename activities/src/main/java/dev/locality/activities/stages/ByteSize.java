package dev.locality.activities.stages;

import dev.locality.stage.ByteSizes;
import java.util.Optional;

/**
 * Byte counts in worker settings: a number with an optional binary unit, {@code 1048576}, {@code
 * 64m}, {@code 64MiB}, {@code 100g}, {@code 2TB} ({@code k}, {@code m}, {@code g}, {@code t}; with
 * or without {@code b}/{@code ib}; always powers of 1024), read with the api's {@link ByteSizes}.
 */
public final class ByteSize {
  private ByteSize() {}

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException when the text is not a size
   */
  public static long parse(String text) {
    return ByteSizes.parse(text);
  }

  /**
   * A worker setting holding a size, or {@code defaultValue} when unset.
   *
   * @throws IllegalStateException naming the setting when its value is not a size
   */
  public static long setting(Optional<String> value, String name, long defaultValue) {
    if (value.isEmpty() || value.get().isBlank()) return defaultValue;
    try {
      return parse(value.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("worker setting " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@code 100 GiB (107374182400 bytes)}-style text for messages. */
  public static String describe(long bytes) {
    return ByteSizes.describe(bytes);
  }
}
