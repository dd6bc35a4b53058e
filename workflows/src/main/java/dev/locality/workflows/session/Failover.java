package dev.locality.workflows.session;

import dev.locality.api.workflow.Failures;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Runs a body in a worker session and, when the session fails, runs it again from the start in a
 * new session on another worker.
 *
 * <p>What happens to a failure of the body:
 *
 * <ul>
 *   <li><b>session failure</b> (the worker was lost or shut down, an activity timed out, or
 *       exhausted its retries on this worker; see {@link WorkerSession#execute}): the session is
 *       closed as FAILED, and after {@link FailoverPolicy#backoff()} the body runs again in a new
 *       session whose lease asks the workers that failed before to step aside. After {@link
 *       FailoverPolicy#maxWorkerAttempts()} sessions it throws a non-retryable {@link
 *       ApplicationFailure} of type {@link Failures#ATTEMPTS_EXHAUSTED} listing every attempt;
 *   <li><b>bad input</b> (a non-retryable application failure): the session is closed and the
 *       failure is rethrown at once, non-retryable, with the same type and message;
 *   <li>no worker within the creation timeout ({@link Failures#NO_WORKER}): for the first session,
 *       rethrown unchanged (no worker ever took the pipeline: nothing is running, or every worker
 *       is full); for a session after a failover, counted as a failed attempt like a lost worker,
 *       so a cluster whose workers all died fails after {@link FailoverPolicy#maxWorkerAttempts()}
 *       with every attempt listed, and a worker started within the creation timeout picks the
 *       pipeline up;
 *   <li>cancellation and anything else: the session is closed and the failure rethrown unchanged.
 * </ul>
 *
 * The session is closed on every path, and after the body returns. One instance per run of a body;
 * workflow code only, not thread-safe.
 */
public final class Failover {
  private static final Logger log = Workflow.getLogger(Failover.class);

  /** Where the failover loop is, for status queries. */
  public enum Phase {
    WAITING_FOR_WORKER,
    RUNNING,
    FAILING_OVER,
    COMPLETED,
    FAILED
  }

  private final WorkerSessions sessions;
  private final FailoverPolicy policy;
  private final List<FailedAttempt> failedAttempts = new ArrayList<>();
  private Phase phase = Phase.WAITING_FOR_WORKER;

  public Failover(WorkerSessions sessions, FailoverPolicy policy) {
    this.sessions = sessions;
    this.policy = policy;
  }

  /** Shorthand for {@code new Failover(sessions, policy).run(body)}. */
  public static <R> R run(
      WorkerSessions sessions, FailoverPolicy policy, Functions.Func1<WorkerSession, R> body) {
    return new Failover(sessions, policy).run(body);
  }

  /**
   * Runs {@code body} in a session, failing over as described in the class comment. The body must
   * be restartable from its beginning: after a failover it runs again on a worker that has none of
   * the previous session's files.
   *
   * @return what the body returned in the session that succeeded
   */
  public <R> R run(Functions.Func1<WorkerSession, R> body) {
    try {
      R result = loop(body);
      phase = Phase.COMPLETED;
      return result;
    } catch (RuntimeException e) {
      phase = Phase.FAILED;
      throw e;
    }
  }

  private <R> R loop(Functions.Func1<WorkerSession, R> body) {
    Set<String> failedWorkers = new LinkedHashSet<>();
    for (int attempt = 1; ; attempt++) {
      phase = Phase.WAITING_FOR_WORKER;
      SessionOptions options =
          policy.session().toBuilder()
              .setAttempt(attempt)
              .setAvoidWorkers(List.copyOf(failedWorkers))
              .build();
      WorkerSession session = null;
      try {
        session = sessions.open(options);
        phase = Phase.RUNNING;
        R result = body.apply(session);
        session.close();
        return result;
      } catch (RuntimeException e) {
        FailureClassifier.Verdict verdict =
            session == null ? openFailed(e) : FailureClassifier.bodyFailed(e, session);
        switch (verdict.kind()) {
          case SESSION:
            String worker = session == null ? null : session.workerId();
            String sessionId = session == null ? null : session.sessionId();
            if (session != null) session.fail(verdict.reason());
            if (worker != null) failedWorkers.add(worker);
            FailedAttempt failed = new FailedAttempt(attempt, sessionId, worker, verdict.reason());
            failedAttempts.add(failed);
            log.warn("session failed: {}", failed.describe());
            break;
          case BAD_INPUT:
            if (session != null) session.close();
            throw e instanceof ApplicationFailure a && a.isNonRetryable()
                ? a
                : ApplicationFailure.newNonRetryableFailureWithCause(
                    verdict.reason(), verdict.type(), e);
          default:
            if (session != null) session.close();
            throw e;
        }
      }
      if (attempt >= policy.maxWorkerAttempts()) throw exhausted();
      phase = Phase.FAILING_OVER;
      Workflow.sleep(policy.backoff());
    }
  }

  /**
   * A failure of {@link WorkerSessions#open}: a lease lost before its grant fails over, and so does
   * finding no worker after an earlier session failed (the workers may all be gone).
   */
  private FailureClassifier.Verdict openFailed(RuntimeException e) {
    if (e instanceof ApplicationFailure a) {
      if (Failures.SESSION_LOST.equals(a.getType())) {
        return FailureClassifier.Verdict.session(a.getOriginalMessage());
      }
      if (Failures.NO_WORKER.equals(a.getType()) && !failedAttempts.isEmpty()) {
        return FailureClassifier.Verdict.session(a.getOriginalMessage());
      }
    }
    return FailureClassifier.Verdict.OTHER;
  }

  private ApplicationFailure exhausted() {
    String attempts =
        failedAttempts.stream().map(FailedAttempt::describe).collect(Collectors.joining("; "));
    return ApplicationFailure.newNonRetryableFailure(
        "pipeline failed after " + failedAttempts.size() + " sessions: " + attempts,
        Failures.ATTEMPTS_EXHAUSTED);
  }

  public Phase phase() {
    return phase;
  }

  /** Sessions given up on so far, oldest first. */
  public List<FailedAttempt> failedAttempts() {
    return List.copyOf(failedAttempts);
  }
}
