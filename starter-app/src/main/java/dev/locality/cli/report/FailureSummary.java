package dev.locality.cli.report;

import io.temporal.client.WorkflowException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user needs to know about a failed pipeline, distilled from a Temporal exception chain.
 *
 * @param message the message of the deepest {@link ApplicationFailure} in the chain (the stage's
 *     own words, such as "row 3: column 'amount' is not a number"); when there is none, the deepest
 *     failure's message
 * @param type the outermost application failure's type: how the workflow classified the failure
 *     (for example {@code BadInput} or {@code WorkerAttemptsExhausted}); the failure's class name
 *     when there is no application failure
 * @param chain the links of the chain, outermost first, one line each; a link that only repeats the
 *     previous one's message (an exception wrapped for transport) is left out
 */
public record FailureSummary(String message, String type, List<String> chain) {

  /** Walks the cause chain of {@code failure} (cycles are cut). */
  public static FailureSummary of(Throwable failure) {
    List<String> chain = new ArrayList<>();
    ApplicationFailure outermostApplication = null;
    ApplicationFailure deepestApplication = null;
    Throwable deepest = failure;
    String previousMessage = null;
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = failure; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      deepest = t;
      String message = messageOf(t);
      if (!(t instanceof ApplicationFailure) || !message.equals(previousMessage)) {
        chain.add(describe(t));
      }
      previousMessage = message;
      if (t instanceof ApplicationFailure app) {
        if (outermostApplication == null) outermostApplication = app;
        deepestApplication = app;
      }
    }
    if (deepestApplication != null) {
      return new FailureSummary(
          deepestApplication.getOriginalMessage(), outermostApplication.getType(), chain);
    }
    return new FailureSummary(messageOf(deepest), deepest.getClass().getSimpleName(), chain);
  }

  /** A summary for a pipeline that ended without an exception to read (for example terminated). */
  public static FailureSummary plain(String message, String type) {
    return new FailureSummary(message, type, List.of(message));
  }

  private static String describe(Throwable t) {
    if (t instanceof ApplicationFailure app) {
      return "application failure ("
          + app.getType()
          + (app.isNonRetryable() ? ", non-retryable" : "")
          + "): "
          + app.getOriginalMessage();
    }
    if (t instanceof ActivityFailure activity) {
      return "stage activity '"
          + activity.getActivityType()
          + "' failed (retry state "
          + activity.getRetryState()
          + ")";
    }
    if (t instanceof WorkflowException wf) {
      return "workflow "
          + wf.getExecution().getWorkflowId()
          + " failed ("
          + wf.getClass().getSimpleName()
          + ")";
    }
    return t.getClass().getSimpleName() + ": " + messageOf(t);
  }

  private static String messageOf(Throwable t) {
    if (t instanceof TemporalFailure tf && tf.getOriginalMessage() != null) {
      return tf.getOriginalMessage();
    }
    return String.valueOf(t.getMessage());
  }
}
