package dev.locality.api.converter;

import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;

/**
 * The {@link DataConverter} every Locality process (worker, CLI, embedded server) gives its
 * Temporal client: Temporal's default payload conversion (JSON) with a {@link
 * RedactingFailureConverter}, so no failure a Locality process reports carries a URL's userinfo or
 * query string into history. Client and worker must use the same converter.
 */
public final class LocalityDataConverter {
  private LocalityDataConverter() {}

  /** The converter for a process with no payload key configured. */
  public static DataConverter create() {
    return DefaultDataConverter.newDefaultInstance()
        .withFailureConverter(new RedactingFailureConverter());
  }
}
