package dev.locality.api.converter;

import io.temporal.common.converter.DataConverterException;

/**
 * An encrypted payload this process cannot decode: it has no key, another key, or the payload was
 * altered or truncated. A {@link DataConverterException}, so a pipeline whose input cannot be
 * decoded (a client started it with another key) fails at once with this message, naming both key
 * ids, instead of failing its workflow task in a loop (the pipeline workflow is registered to fail
 * on data converter exceptions).
 */
public final class UndecodablePayloadException extends DataConverterException {
  UndecodablePayloadException(String message) {
    super(message);
  }

  UndecodablePayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
