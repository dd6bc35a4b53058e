package dev.locality.worker;

import dev.locality.stage.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 durations. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value);
  }
}
