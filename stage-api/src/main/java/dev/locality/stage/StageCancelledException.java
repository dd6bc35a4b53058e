package dev.locality.stage;

/**
 * Thrown by {@link StageContext#heartbeat} (and so by {@link StageContext#progress}) when the
 * attempt must stop: the pipeline was cancelled, the attempt timed out or was superseded, the
 * worker no longer holds the session, or the worker is shutting down. Unchecked: a stage lets it
 * propagate (closing its streams on the way, as for any exception) and never swallows it; the
 * framework then deletes the attempt's partial output as after any failure.
 *
 * <p>On a worker its cause is the orchestrator's own signal, which the worker reports unchanged; in
 * the test kit ({@code StageTestRunner.cancelAfterHeartbeats}, {@code heartbeatTimeout}) it has
 * none.
 */
public final class StageCancelledException extends RuntimeException {
  public StageCancelledException(String message) {
    super(message);
  }

  public StageCancelledException(String message, Throwable cause) {
    super(message, cause);
  }
}
