package dev.locality.stage.runtime;

/**
 * A stand-in for an exception whose text held a URL secret: the original's class name, its message
 * with every URL {@linkplain dev.locality.stage.RedactedUrl#inText redacted}, its stack trace, and
 * the stand-ins of its cause and suppressed exceptions. {@link StageFailures#redacted} builds these
 * so that a failure can leave the worker (Temporal history, logs) without the secret. {@link
 * #toString()} reads like the original's ({@code java.io.IOException: GET http://***@h/x}).
 */
public final class RedactedFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String originalClass;

  RedactedFailure(String originalClass, String message, StackTraceElement[] stackTrace) {
    super(message);
    this.originalClass = originalClass;
    setStackTrace(stackTrace);
  }

  /** The fully qualified class name of the exception this stands in for. */
  public String originalClass() {
    return originalClass;
  }

  @Override
  public String toString() {
    String message = getLocalizedMessage();
    return message == null ? originalClass : originalClass + ": " + message;
  }
}
