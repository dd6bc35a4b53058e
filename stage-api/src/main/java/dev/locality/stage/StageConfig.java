package dev.locality.stage;

import java.util.Map;
import java.util.Optional;

/**
 * A stage's options as written in the spec, read through the stage's declared {@link OptionSpec}s.
 * Immutable and thread-safe. Values were validated before the stage runs, so {@link #get} only
 * throws for a programming error (an option the stage did not declare).
 */
public final class StageConfig {
  private final Map<String, Object> raw;

  public StageConfig(Map<String, Object> raw) {
    this.raw = raw == null ? Map.of() : Map.copyOf(raw);
  }

  /** The option's value, or its default; {@code null} for an unset optional option. */
  public <T> T get(OptionSpec<T> option) {
    return find(option).orElse(null);
  }

  /** The option's value or its default, if either exists. */
  public <T> Optional<T> find(OptionSpec<T> option) {
    Object value = raw.get(option.name());
    if (value == null) return option.defaultValue();
    return Optional.of(option.parse(value));
  }
}
