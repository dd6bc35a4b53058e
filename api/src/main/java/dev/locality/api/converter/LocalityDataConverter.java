package dev.locality.api.converter;

import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.Map;

/**
 * The {@link DataConverter} every Locality process (worker, CLI, embedded server) gives its
 * Temporal client: Temporal's default payload conversion (JSON) with a {@link
 * RedactingFailureConverter}, so no failure a Locality process reports carries a URL's userinfo or
 * query string into history; and, with a {@link PayloadKey}, an {@link AesGcmPayloadCodec} that
 * encrypts every payload (the spec in the workflow's and the stages' inputs included), so history
 * holds no secret at all. Failure messages and stack traces stay readable (they are redacted);
 * failure details are encrypted. Every worker and client of a namespace must use the same key.
 */
public final class LocalityDataConverter {
  private LocalityDataConverter() {}

  /** The converter for a process without a payload key: payloads in clear (JSON). */
  public static DataConverter create() {
    return create(null);
  }

  /**
   * The converter that encrypts payloads with {@code key}; with a null key payloads stay in clear
   * and an encrypted payload is refused with a message naming {@value PayloadKey#ENV}.
   */
  public static DataConverter create(PayloadKey key) {
    DataConverter json =
        DefaultDataConverter.newDefaultInstance()
            .withFailureConverter(new RedactingFailureConverter());
    AesGcmPayloadCodec codec =
        key == null ? AesGcmPayloadCodec.withoutKey() : AesGcmPayloadCodec.with(key);
    return new CodecDataConverter(json, List.of(codec));
  }

  /**
   * The converter for the key {@code env} names ({@value PayloadKey#ENV}; none: payloads in clear).
   *
   * @throws IllegalArgumentException naming the variable and the file when the key cannot be read
   */
  public static DataConverter fromEnvironment(Map<String, String> env) {
    return create(PayloadKey.fromEnvironment(env));
  }
}
