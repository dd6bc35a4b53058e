package dev.locality.workflows.session;

import dev.locality.api.session.ReattachOffer;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.StageResult;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
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
 *       closed as FAILED, and after the backoff (below) the body runs again in a new session whose
 *       lease asks the workers that failed before to step aside. After {@link
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
 *
 * <p><b>Backoff.</b> The next session is requested after {@link FailoverPolicy#backoff()}, except
 * for the first failover of a run when the failed session's worker was lost (see {@link
 * FailoverPolicy#backsOffAfter}): its lease ended (heartbeat timeout: the worker died or was cut
 * off; the worker shut down), a stage found the session gone on the worker (restarted, fenced) or
 * stopped heartbeating, a stage was not picked up from the worker's queue, or the lease failed
 * before its grant. Detection already took a heartbeat timeout there, and the new session goes to
 * another worker, so the first failover requests it at once. Every later failover, and a first one
 * caused by a worker that is alive but failed the work (retries on the worker exhausted, {@link
 * Failures#WORKER_RESOURCES}, a stage's start-to-close timeout), waits the backoff: a pipeline that
 * keeps failing (or keeps killing its workers) then does not hammer the fleet.
 *
 * <p><b>Same-host resume.</b> With a positive {@link SessionOptions#reattachTimeout()} and a
 * failover built with the completed stages ({@link #Failover(WorkerSessions, FailoverPolicy,
 * Functions.Func)}), a session whose worker was lost is first offered back to that worker id: a
 * lease request on the id's re-attach queue, bounded by the reattachTimeout (see {@link
 * #offerBack}). A process restarted with that id on the same work root takes it, moves the lost
 * session's files into the new session and reports how many completed stages it found intact
 * ({@link WorkerSession#verifiedStages()}); the body then runs in that session and may skip them. A
 * re-attached session counts as a session attempt. When no process takes the offer in time, the
 * failover proceeds as above (backoff rule, avoid list, another worker). Behind the {@code
 * failover-same-host-resume} version marker, checked once at the start of {@link #run} and only
 * when the option is on.
 *
 * <p><b>Versioning.</b> The skip is behind the {@code failover-no-backoff-after-lost-worker}
 * version marker, checked once, as the first thing {@link #run} does, before any session exists:
 * never on the failover path itself. A run started by older code (no marker at that point of its
 * history) keeps the backoff for its whole life, so its recorded timer replays; a new run records
 * the marker there and skips it. A first attempt checked on the failover path, in the workflow task
 * that cancels the lost session's stage; when that stage was waiting for a retry on the lost
 * worker's queue (scheduled, not started), the server records it cancelled at once, between that
 * task's commands, and the SDK's replay reads a task's commands ahead (to answer getVersion) only
 * up to such an event. So a replay did not see the marker recorded after it, took the default
 * version, then met the marker ("Version is already set to -1"; ClusterScenariosIT s8/s8b). At the
 * start of {@link #run}, in the pipeline's first workflow task, nothing is cancelled before the
 * marker, and every execution and every replay meets the check at the same point whatever happens
 * to the sessions later.
 */
public final class Failover {
  private static final Logger log = Workflow.getLogger(Failover.class);

  /**
   * {@link Workflow#getVersion} change id: the first failover after a lost worker requests the next
   * session without the backoff timer. Checked once per {@link #run}, at its start.
   */
  static final String NO_BACKOFF_AFTER_LOST_WORKER = "failover-no-backoff-after-lost-worker";

  /** Where the failover loop is, for status queries. */
  public enum Phase {
    WAITING_FOR_WORKER,
    RUNNING,
    FAILING_OVER,
    COMPLETED,
    FAILED
  }

  /**
   * {@link Workflow#getVersion} change id: same-host resume (a lost session is first offered back
   * to its worker id). Checked once per {@link #run}, at its start, and only when the policy's
   * reattachTimeout is positive: runs without the option record no marker.
   */
  static final String SAME_HOST_RESUME = "failover-same-host-resume";

  private final WorkerSessions sessions;
  private final FailoverPolicy policy;
  private final Functions.Func<List<StageResult>> completedStages;
  private boolean offersSessionsBack;
  private final List<FailedAttempt> failedAttempts = new ArrayList<>();
  private Phase phase = Phase.WAITING_FOR_WORKER;
  private LocalityPreference locality;

  /**
   * Whether this run may skip the backoff after a lost worker; decided when {@link #run} starts.
   */
  private boolean skipsBackoffAfterLostWorker;

  public Failover(WorkerSessions sessions, FailoverPolicy policy) {
    this(sessions, policy, null);
  }

  /**
   * A failover that supports same-host resume (see "Same-host resume" in the class comment).
   *
   * @param completedStages the results of the stages that completed in the current session, stage 0
   *     first (what a re-attached worker is asked to verify); called when a session was lost
   */
  public Failover(
      WorkerSessions sessions,
      FailoverPolicy policy,
      Functions.Func<List<StageResult>> completedStages) {
    this.sessions = sessions;
    this.policy = policy;
    this.completedStages = completedStages;
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
  /**
   * Offers the first session to a worker that holds the pipeline's input in its download cache
   * before any worker may take it (delay scheduling, see {@link LocalityPreference}). Call before
   * {@link #run}.
   */
  public Failover preferLocality(LocalityPreference locality) {
    this.locality = locality;
    return this;
  }

  public <R> R run(Functions.Func1<WorkerSession, R> body) {
    skipsBackoffAfterLostWorker = isNoBackoffAfterLostWorkerOn();
    offersSessionsBack =
        completedStages != null
            && policy.session().reattachTimeout().compareTo(Duration.ZERO) > 0
            && Workflow.getVersion(SAME_HOST_RESUME, Workflow.DEFAULT_VERSION, 1) >= 1;
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
    WorkerSession reattached = null;
    for (int attempt = 1; ; attempt++) {
      phase = Phase.WAITING_FOR_WORKER;
      SessionOptions options =
          policy.session().toBuilder()
              .setAttempt(attempt)
              .setAvoidWorkers(List.copyOf(failedWorkers))
              .build();
      WorkerSession session = reattached;
      reattached = null;
      boolean workerLost = false;
      WorkerSession lostWorker = null;
      try {
        if (session == null && attempt == 1 && locality != null)
          session = locality.open(sessions, options);
        if (session == null) session = sessions.open(options);
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
            workerLost = verdict.workerLost();
            if (workerLost && worker != null && session.taskQueue() != null) lostWorker = session;
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
      if (offersSessionsBack && lostWorker != null) {
        reattached = offerBack(lostWorker, attempt + 1);
        if (reattached != null) continue;
      }
      backOff(workerLost);
    }
  }

  /**
   * Offers the lost session back to its worker id: an ordinary lease request on that id's re-attach
   * queue ({@link TaskQueues#reattach}), which only processes with that worker id poll, waiting at
   * most the reattachTimeout for one to take it. The worker that takes it moves the lost session's
   * files into the new session and grants it with how many completed stages it found intact.
   *
   * @return the re-attached session, or null when no process of the worker took the offer in time
   *     (or every one that did had no files of the session): the caller then fails over as usual
   */
  private WorkerSession offerBack(WorkerSession lost, int attempt) {
    SessionOptions base = policy.session();
    String shared =
        base.leaseTaskQueue() != null ? base.leaseTaskQueue() : Workflow.getInfo().getTaskQueue();
    List<StageResult> completed = completedStages.apply();
    SessionOptions options =
        base.toBuilder()
            .setAttempt(attempt)
            .setAvoidWorkers(List.of())
            .setLeaseTaskQueue(TaskQueues.reattach(shared, lost.workerId()))
            .setCreationTimeout(base.reattachTimeout())
            .setReattach(new ReattachOffer(lost.sessionId(), completed))
            .build();
    log.info(
        "offering session {} ({} completed stage(s)) back to worker {} for {}",
        lost.sessionId(),
        completed.size(),
        lost.workerId(),
        base.reattachTimeout());
    phase = Phase.WAITING_FOR_WORKER;
    try {
      WorkerSession session = sessions.open(options);
      log.info(
          "worker {} re-attached: {} of {} completed stage(s) intact",
          lost.workerId(),
          session.verifiedStages(),
          completed.size());
      return session;
    } catch (ApplicationFailure e) {
      if (!Failures.NO_WORKER.equals(e.getType()) && !Failures.SESSION_LOST.equals(e.getType())) {
        throw e;
      }
      log.info(
          "worker {} did not re-attach ({}); failing over",
          lost.workerId(),
          e.getOriginalMessage());
      phase = Phase.FAILING_OVER;
      return null;
    }
  }

  /**
   * The version check of the backoff skip (see "Versioning" in the class comment). Called exactly
   * once per run, before the first session is requested, unconditionally: its position in the
   * history depends on nothing a worker or a failure does, so a replay meets it where the original
   * execution recorded (or did not record) the marker.
   */
  private static boolean isNoBackoffAfterLostWorkerOn() {
    return Workflow.getVersion(NO_BACKOFF_AFTER_LOST_WORKER, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Waits the backoff before the next session unless the rule in the class comment skips it. No
   * version check here: it was taken when the run started.
   */
  private void backOff(boolean workerLost) {
    if (skipsBackoffAfterLostWorker && !policy.backsOffAfter(failedAttempts.size(), workerLost)) {
      log.info("worker lost: requesting the next session without backoff");
      return;
    }
    Workflow.sleep(policy.backoff());
  }

  /**
   * A failure of {@link WorkerSessions#open}: a lease lost before its grant fails over (its worker
   * is lost), and so does finding no worker after an earlier session failed (the workers may all be
   * gone; never a first failover, and it waited the creation timeout already).
   */
  private FailureClassifier.Verdict openFailed(RuntimeException e) {
    if (e instanceof ApplicationFailure a) {
      if (Failures.SESSION_LOST.equals(a.getType())) {
        return FailureClassifier.Verdict.workerLost(a.getOriginalMessage());
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
