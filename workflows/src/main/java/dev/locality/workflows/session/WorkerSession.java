package dev.locality.workflows.session;

import dev.locality.api.session.SessionGrant;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.SessionRecord;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * One open worker session: a lease held by one worker, and that worker's unique task queue, to
 * which every activity of the session must go. Obtained from {@link WorkerSessions#open}.
 *
 * <p>Use {@link #newActivityStub} / {@link #newUntypedActivityStub} to get stubs bound to the
 * session's queue, and run each call through {@link #execute} so that a lost worker is noticed
 * while the call is in flight, however long it runs. {@link #close()} ends the session (cancels the
 * lease, which lets the worker delete the session's files and free its slot).
 *
 * <p>Workflow code only, not thread-safe (like all workflow state).
 */
public final class WorkerSession {
  private static final Logger log = Workflow.getLogger(WorkerSession.class);

  /** Lifecycle of a session, as reported in {@link SessionRecord#state()}. */
  public enum State {
    WAITING,
    OPEN,
    CLOSED,
    FAILED
  }

  private final String sessionId;
  private final int attempt;
  private final CompletablePromise<String> lost = Workflow.newPromise();
  private SessionGrant grant;
  private CancellationScope leaseScope;
  private State state = State.WAITING;
  private long openedAtMillis;
  private long closedAtMillis;
  private String failure;

  WorkerSession(String sessionId, int attempt) {
    this.sessionId = sessionId;
    this.attempt = attempt;
  }

  /** Called by {@link WorkerSessions} once the lease's worker signalled its grant. */
  void opened(SessionGrant grant, CancellationScope leaseScope, Promise<Void> lease) {
    this.grant = grant;
    this.leaseScope = leaseScope;
    this.state = State.OPEN;
    this.openedAtMillis = Workflow.currentTimeMillis();
    lease.handle(
        (ignored, error) -> {
          leaseEnded(error);
          return null;
        });
  }

  private void leaseEnded(RuntimeException error) {
    if (state != State.OPEN) return; // closed by us: the lease ending is the expected outcome
    if (error != null && FailureClassifier.isCancellation(error)) return; // workflow cancelled
    String reason = FailureClassifier.leaseEnded(error);
    log.warn("session {} on worker {} lost: {}", sessionId, workerId(), reason);
    end(State.FAILED, reason);
    lost.complete(reason);
  }

  /** Called by {@link WorkerSessions} when the session failed before any worker granted it. */
  void failedBeforeGrant(String reason) {
    end(State.FAILED, reason);
  }

  public String sessionId() {
    return sessionId;
  }

  /** 1-based session attempt of the workflow. */
  public int attempt() {
    return attempt;
  }

  /** The worker holding the session. */
  public String workerId() {
    return grant == null ? null : grant.workerId();
  }

  /**
   * Whether the worker took this session over from a lost session of the same worker id (same-host
   * resume); see {@link #verifiedStages()}.
   */
  public boolean isReattached() {
    return grant != null && grant.tookOverFiles();
  }

  /**
   * For a re-attached session: how many leading completed stages of the lost session the worker
   * found intact on its disk (their outputs are in this session's directory, under the same
   * relative paths); 0 otherwise.
   */
  public int verifiedStages() {
    return isReattached() ? Math.max(0, grant.verifiedStages()) : 0;
  }

  /** The worker's host name. */
  public String host() {
    return grant == null ? null : grant.host();
  }

  /** The worker's unique task queue: every activity of this session must be scheduled there. */
  public String taskQueue() {
    return grant == null ? null : grant.taskQueue();
  }

  public State state() {
    return state;
  }

  /** True while the session is open: granted, not closed, not lost. */
  public boolean isOpen() {
    return state == State.OPEN;
  }

  /**
   * Completes, with the reason, when the session is lost: the lease's heartbeat timed out (the
   * worker died or was cut off) or the lease failed (e.g. the worker shut down). Never completes
   * for a session closed by {@link #close()}. Never fails.
   */
  public Promise<String> lost() {
    return lost;
  }

  public boolean isLost() {
    return lost.isCompleted();
  }

  /** Why the session was lost, null unless {@link #isLost()}. */
  public String lossReason() {
    return lost.isCompleted() ? lost.get() : null;
  }

  /** A new options builder with the task queue set to this session's queue. */
  public ActivityOptions.Builder activityOptions() {
    return ActivityOptions.newBuilder().setTaskQueue(requireGranted());
  }

  /** {@code options} with the task queue replaced by this session's queue. */
  public ActivityOptions bind(ActivityOptions options) {
    return ActivityOptions.newBuilder(options).setTaskQueue(requireGranted()).build();
  }

  /** A typed activity stub whose calls go to this session's worker. */
  public <T> T newActivityStub(Class<T> activityInterface, ActivityOptions options) {
    return Workflow.newActivityStub(activityInterface, bind(options));
  }

  /** An untyped activity stub whose calls go to this session's worker. */
  public ActivityStub newUntypedActivityStub(ActivityOptions options) {
    return Workflow.newUntypedActivityStub(bind(options));
  }

  /**
   * Starts {@code call} (which must start activities on this session's stubs and return their
   * promise) in its own cancellation scope and waits for it or for the session's loss, whichever
   * comes first. If the session is lost first, the call is cancelled.
   *
   * <p>Failures come back already judged, so that {@link Failover} (or the workflow, when it does
   * not use one) can act on them:
   *
   * <ul>
   *   <li>the session was lost, or the call failed because of the worker (timeout, {@link
   *       Failures#SESSION_LOST}, {@link Failures#WORKER_SHUTDOWN}, retries on this worker
   *       exhausted): a retryable {@link ApplicationFailure} of type {@link Failures#SESSION_LOST}
   *       whose message names {@code step} and the reason;
   *   <li>bad input (a non-retryable application failure, e.g. {@link Failures#BAD_INPUT}): a
   *       non-retryable {@link ApplicationFailure} of the same type with message {@code "<step>:
   *       <activity's message>"};
   *   <li>anything else (cancellation of the workflow) is rethrown unchanged.
   * </ul>
   *
   * @param step names the call in messages, e.g. {@code stage 2 (transform-csv)}
   * @throws IllegalStateException if the session is not open and was not lost
   */
  public <R> R execute(String step, Functions.Func<Promise<R>> call) {
    if (isLost()) throw sessionLost(step);
    if (state != State.OPEN) {
      throw new IllegalStateException("session " + sessionId + " is " + state + ", not OPEN");
    }
    @SuppressWarnings("unchecked")
    Promise<R>[] result = new Promise[1];
    CancellationScope scope = Workflow.newCancellationScope(() -> result[0] = call.apply());
    scope.run();
    Workflow.await(() -> result[0].isCompleted() || lost.isCompleted());
    if (!result[0].isCompleted()) {
      result[0].handle((value, failure) -> null); // its cancellation failure is expected
      scope.cancel("session lost: " + lossReason());
      throw sessionLost(step);
    }
    try {
      return result[0].get();
    } catch (ActivityFailure e) {
      FailureClassifier.Verdict verdict = FailureClassifier.activityFailed(step, e);
      switch (verdict.kind()) {
        case SESSION:
          throw ApplicationFailure.newFailureWithCause(verdict.reason(), Failures.SESSION_LOST, e);
        case BAD_INPUT:
          throw ApplicationFailure.newNonRetryableFailureWithCause(
              verdict.reason(), verdict.type(), e);
        default:
          throw e;
      }
    }
  }

  private ApplicationFailure sessionLost(String step) {
    return ApplicationFailure.newFailure(
        lossReason() + " during " + step, Failures.SESSION_LOST, sessionId, workerId());
  }

  /**
   * Closes the session: cancels the lease so the worker cleans up and frees its slot. Idempotent;
   * does nothing to a session that already failed. Does not wait for the worker to finish cleanup.
   */
  public void close() {
    if (state == State.OPEN || state == State.WAITING) {
      end(State.CLOSED, null);
    }
  }

  /** Closes the session as failed with {@code reason} (a session failure detected by a call). */
  void fail(String reason) {
    if (state == State.OPEN || state == State.WAITING) {
      end(State.FAILED, reason);
    }
  }

  private void end(State newState, String reason) {
    state = newState;
    failure = reason;
    closedAtMillis = Workflow.currentTimeMillis();
    if (leaseScope != null) leaseScope.cancel();
  }

  /** Snapshot for queries and results. */
  public SessionRecord record() {
    return new SessionRecord(
        sessionId,
        attempt,
        workerId(),
        taskQueue(),
        state.name(),
        openedAtMillis,
        closedAtMillis,
        failure);
  }

  private String requireGranted() {
    if (grant == null) throw new IllegalStateException("session " + sessionId + " has no worker");
    return grant.taskQueue();
  }
}
