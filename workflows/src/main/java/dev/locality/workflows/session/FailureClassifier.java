package dev.locality.workflows.session;

import dev.locality.api.workflow.Failures;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

/**
 * Decides whose fault a failure is: the session's (fail over to another worker), the input's (fail
 * at once), or neither (rethrow unchanged). Stateless; the reasons it writes end up in session
 * records and in the final failure message, so they are phrased for operators.
 */
final class FailureClassifier {
  /** Type of the failure a worker's lease throws to decline a session it should not take. */
  static final String LEASE_DECLINED = Failures.LEASE_DECLINED;

  enum Kind {
    /** The worker or its session failed: fail over. */
    SESSION,
    /** Retrying elsewhere cannot help: fail at once. */
    BAD_INPUT,
    /** Not ours to judge (workflow cancelled, a bug): rethrow unchanged. */
    OTHER
  }

  /**
   * @param kind what to do
   * @param reason operator-facing explanation, null for {@link Kind#OTHER}
   * @param type application failure type to fail with for {@link Kind#BAD_INPUT}
   * @param workerLost for {@link Kind#SESSION}: the worker is gone or no longer holds the session
   *     (the lease ended, the worker shut down, restarted or was fenced, a stage stopped
   *     heartbeating or was never picked up from the worker's queue), as opposed to a worker that
   *     is alive but failed the work (retries exhausted, out of resources, a stage too slow)
   */
  record Verdict(Kind kind, String reason, String type, boolean workerLost) {
    /** The session failed on a worker that is still there (it failed the work). */
    static Verdict session(String reason) {
      return new Verdict(Kind.SESSION, reason, Failures.SESSION_LOST, false);
    }

    /** The session failed because its worker is gone or lost the session. */
    static Verdict workerLost(String reason) {
      return new Verdict(Kind.SESSION, reason, Failures.SESSION_LOST, true);
    }

    static Verdict badInput(String reason, String type) {
      return new Verdict(Kind.BAD_INPUT, reason, type, false);
    }

    static final Verdict OTHER = new Verdict(Kind.OTHER, null, null, false);
  }

  private FailureClassifier() {}

  /** Why a lease ended that nobody closed; {@code failure} is null if it returned normally. */
  static String leaseEnded(Throwable failure) {
    if (failure == null) return "session lease ended without being closed";
    Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
    if (cause instanceof TimeoutFailure t) {
      if (t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT) {
        return "worker lost (session lease heartbeat timeout)";
      }
      return "session lease timed out (" + timeoutName(t) + ")";
    }
    if (cause instanceof ApplicationFailure a) {
      if (Failures.WORKER_SHUTDOWN.equals(a.getType())) {
        return "worker shut down (" + a.getOriginalMessage() + ")";
      }
      return "session lease failed: " + a.getOriginalMessage();
    }
    return "session lease failed: " + message(cause);
  }

  /** True when the lease was refused by a worker that was asked to avoid this pipeline. */
  static boolean isDeclined(Throwable failure) {
    return failure instanceof ActivityFailure
        && failure.getCause() instanceof ApplicationFailure a
        && LEASE_DECLINED.equals(a.getType());
  }

  /** True when no worker picked the lease up in time. */
  static boolean isScheduleToStartTimeout(Throwable failure) {
    return failure instanceof ActivityFailure
        && failure.getCause() instanceof TimeoutFailure t
        && (t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
            || t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
  }

  /** True for the cancellation of the workflow or of an enclosing scope. */
  static boolean isCancellation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }

  /**
   * Judges an activity that failed in a session. {@link Failures#SESSION_LOST}, {@link
   * Failures#WORKER_SHUTDOWN} and {@link Failures#WORKER_RESOURCES} (out of memory, the worker's
   * own disk refusing access) fail over at once; other non-retryable failures are bad input; a
   * retryable failure (a full disk among them) reaches here only once the stage's attempts on the
   * worker are exhausted, and then counts against the session: fail over.
   *
   * <p>The worker counts as lost ({@link Verdict#workerLost()}) for {@link Failures#SESSION_LOST},
   * {@link Failures#WORKER_SHUTDOWN} and a heartbeat or schedule-to-start timeout (the worker
   * stopped heartbeating, or stopped polling its queue); not for {@link Failures#WORKER_RESOURCES},
   * exhausted retries, other timeouts or other failures, where the worker is alive.
   *
   * @param step what the activity was, e.g. {@code stage 2 (transform-csv)}
   */
  static Verdict activityFailed(String step, ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof TimeoutFailure t) {
      String reason = step + " timed out (" + timeoutName(t) + explain(t) + ")";
      return isWorkerGone(t) ? Verdict.workerLost(reason) : Verdict.session(reason);
    }
    if (cause instanceof ApplicationFailure a) {
      String type = a.getType();
      if (Failures.SESSION_LOST.equals(type)) {
        return Verdict.workerLost(
            step + ": session lost on the worker (" + a.getOriginalMessage() + ")");
      }
      if (Failures.WORKER_SHUTDOWN.equals(type)) {
        return Verdict.workerLost(step + ": worker shut down (" + a.getOriginalMessage() + ")");
      }
      if (Failures.WORKER_RESOURCES.equals(type)) {
        return Verdict.session(
            step
                + ": the worker lacks resources, not retried there ("
                + a.getOriginalMessage()
                + ")");
      }
      if (a.isNonRetryable()
          || Failures.BAD_INPUT.equals(type)
          || failure.getRetryState() == RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE) {
        return Verdict.badInput(step + ": " + a.getOriginalMessage(), type);
      }
      return Verdict.session(
          step + " failed, retries on this worker exhausted: " + a.getOriginalMessage());
    }
    if (cause instanceof CanceledFailure) return Verdict.OTHER;
    return Verdict.session(step + " failed: " + message(cause == null ? failure : cause));
  }

  /**
   * Judges whatever a session body threw. Failures {@link WorkerSession#execute} already judged
   * arrive as application failures: {@link Failures#SESSION_LOST} or {@link
   * Failures#WORKER_SHUTDOWN} mean the session failed, other non-retryable ones are bad input.
   *
   * <p>For such a session failure the worker counts as lost when the session's lease ended ({@link
   * WorkerSession#isLost()}); otherwise as {@link #activityFailed} judged the activity failure the
   * session failure wraps, or, without one, when the type is {@link Failures#SESSION_LOST} or
   * {@link Failures#WORKER_SHUTDOWN}.
   */
  static Verdict bodyFailed(Throwable failure, WorkerSession session) {
    if (failure instanceof ActivityFailure af) {
      return activityFailed("activity " + af.getActivityType(), af);
    }
    if (failure instanceof ApplicationFailure a) {
      String type = a.getType();
      if (Failures.SESSION_LOST.equals(type)
          || Failures.WORKER_SHUTDOWN.equals(type)
          || Failures.WORKER_RESOURCES.equals(type)) {
        if (session.isLost()) return Verdict.workerLost(session.lossReason());
        String reason = a.getOriginalMessage();
        boolean lost =
            a.getCause() instanceof ActivityFailure af
                ? activityFailed("activity " + af.getActivityType(), af).workerLost()
                : !Failures.WORKER_RESOURCES.equals(type);
        return lost ? Verdict.workerLost(reason) : Verdict.session(reason);
      }
      if (a.isNonRetryable()) return Verdict.badInput(a.getOriginalMessage(), type);
    }
    return Verdict.OTHER;
  }

  /** A heartbeat timeout (the worker stopped) or schedule-to-start (nobody polls its queue). */
  private static boolean isWorkerGone(TimeoutFailure t) {
    return t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT
        || t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }

  private static String timeoutName(TimeoutFailure t) {
    return t.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase().replace('_', '-');
  }

  private static String explain(TimeoutFailure t) {
    switch (t.getTimeoutType()) {
      case TIMEOUT_TYPE_SCHEDULE_TO_START:
        return ": the worker did not pick it up";
      case TIMEOUT_TYPE_HEARTBEAT:
        return ": it stopped heartbeating";
      default:
        return "";
    }
  }

  private static String message(Throwable t) {
    if (t instanceof TemporalFailure f) return f.getOriginalMessage();
    return String.valueOf(t.getMessage());
  }
}
