package dev.locality.api.converter;

import dev.locality.stage.RedactedUrl;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.FailureConverter;
import io.temporal.failure.DefaultFailureConverter;

/**
 * Temporal's {@link DefaultFailureConverter} with every URL in a failure's message and stack trace
 * {@linkplain RedactedUrl#inText redacted}, through the whole cause chain: the last line of defence
 * that keeps URL userinfo and query strings (passwords, presigned signatures) out of Temporal
 * history whatever threw (a stage, a plugin, a library, workflow code). Failures read back are
 * redacted the same way, so a failure written by an older worker is not shown in clear either.
 * Failure types, non-retryable flags and details are unchanged. Stateless and thread-safe.
 */
public final class RedactingFailureConverter implements FailureConverter {
  private final FailureConverter delegate;

  public RedactingFailureConverter() {
    this(new DefaultFailureConverter());
  }

  public RedactingFailureConverter(FailureConverter delegate) {
    this.delegate = delegate;
  }

  @Override
  public Failure exceptionToFailure(Throwable throwable, DataConverter dataConverter) {
    return redact(delegate.exceptionToFailure(throwable, dataConverter));
  }

  @Override
  public RuntimeException failureToException(Failure failure, DataConverter dataConverter) {
    return delegate.failureToException(redact(failure), dataConverter);
  }

  /** {@code failure} and its causes with every URL in their message and stack trace redacted. */
  static Failure redact(Failure failure) {
    String message = RedactedUrl.inText(failure.getMessage());
    String stackTrace = RedactedUrl.inText(failure.getStackTrace());
    Failure cause = failure.hasCause() ? redact(failure.getCause()) : null;
    if (message.equals(failure.getMessage())
        && stackTrace.equals(failure.getStackTrace())
        && (cause == null || cause == failure.getCause())) return failure;
    Failure.Builder redacted = failure.toBuilder().setMessage(message).setStackTrace(stackTrace);
    if (cause != null) redacted.setCause(cause);
    return redacted.build();
  }
}
