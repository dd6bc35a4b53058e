package dev.locality.workflows.session;

import dev.locality.api.session.Pools;
import dev.locality.api.session.SessionGrant;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.stage.Durations;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Opens worker sessions for one workflow run and remembers every session it opened. Create one per
 * workflow run (a field of the workflow implementation) and feed it the {@code sessionReady}
 * signal: either forward it from your workflow's own signal method to {@link #onGrant}, or, if your
 * workflow interface does not declare that signal, call {@link #registerSignalHandler()} at the
 * start of the workflow method.
 *
 * <p>Workflow code only, not thread-safe (like all workflow state).
 */
public final class WorkerSessions {
  private static final Logger log = Workflow.getLogger(WorkerSessions.class);

  private static final Duration DECLINE_PAUSE = Duration.ofMillis(500);

  /** {@link Workflow#getVersion} change id: lease requests name the pipeline's stage types. */
  static final String STAGE_TYPES_CHANGE = "lease-names-stage-types";

  private static final Duration MAX_DECLINE_PAUSE = Duration.ofSeconds(10);

  private final Map<String, SessionGrant> grants = new HashMap<>();
  private final List<String> awaiting = new ArrayList<>();
  private final List<WorkerSession> sessions = new ArrayList<>();

  /** For workflows that forward the {@code sessionReady} signal to {@link #onGrant}. */
  public WorkerSessions() {}

  /**
   * A new instance that registers its own handler for the {@code sessionReady} signal. Call from
   * the workflow method; do not use when the workflow interface declares the signal itself.
   */
  public static WorkerSessions registerSignalHandler() {
    WorkerSessions sessions = new WorkerSessions();
    Workflow.registerListener(new GrantListener(sessions));
    return sessions;
  }

  /**
   * Takes a grant signalled by a worker's lease. Grants for sessions not being opened right now
   * (late, duplicate or foreign ones) are ignored. Safe to call from a signal handler at any time.
   */
  public void onGrant(SessionGrant grant) {
    if (grant != null && awaiting.contains(grant.sessionId())) {
      grants.putIfAbsent(grant.sessionId(), grant);
    } else {
      log.info("ignoring grant of a session not being opened: {}", grant);
    }
  }

  /**
   * Asks for a session and blocks until a worker grants it.
   *
   * <p>Schedules the {@link SessionLeaseActivity} on the lease task queue (by default the
   * workflow's own) and waits for the worker's grant signal. A worker listed in {@link
   * SessionOptions#avoidWorkers()} may decline (failure type {@code LeaseDeclined}); the lease is
   * then requested again, without the avoid list after {@link SessionOptions#maxDeclines()}
   * declines (and paced after that), all within the creation timeout. A worker lacking one of
   * {@link SessionOptions#stageTypes()} declines with {@link Failures#LEASE_UNSUPPORTED}: such
   * declines never drop the avoid list and never make that worker accept; the lease is asked again
   * (paced) until a worker with the stages takes it, else the creation timeout fails the session
   * with {@link Failures#NO_WORKER} naming the missing types and the workers that declined. The
   * lease goes to the queue of {@link SessionOptions#pool()} ({@link TaskQueues#leaseQueue}), so
   * only workers of that pool, within that pool's slots, can take it; when none does, the {@link
   * Failures#NO_WORKER} message names the pool ({@code no worker in pool gpu had a free slot}).
   *
   * @return the open session
   * @throws ApplicationFailure non-retryable, type {@link Failures#NO_WORKER}, when no worker took
   *     the lease within the creation timeout; retryable, type {@link Failures#SESSION_LOST}, when
   *     the lease failed before its worker granted it (the worker died while setting up)
   */
  public WorkerSession open(SessionOptions options) {
    String sessionId = Workflow.randomUUID().toString();
    WorkerSession session = new WorkerSession(sessionId, options.attempt());
    sessions.add(session);
    awaiting.add(sessionId);
    try {
      return awaitGrant(session, options);
    } catch (CanceledFailure e) {
      session.close();
      throw e;
    } finally {
      awaiting.remove(sessionId);
      grants.remove(sessionId);
    }
  }

  private WorkerSession awaitGrant(WorkerSession session, SessionOptions options) {
    String sessionId = session.sessionId();
    long deadline = Workflow.currentTimeMillis() + options.creationTimeout().toMillis();
    int declines = 0;
    UnsupportedStages unsupported = new UnsupportedStages();
    // Workflows started before leases named their stage types replay without them.
    List<String> stageTypes =
        Workflow.getVersion(STAGE_TYPES_CHANGE, Workflow.DEFAULT_VERSION, 1)
                == Workflow.DEFAULT_VERSION
            ? List.of()
            : options.stageTypes();
    while (true) {
      long remaining = deadline - Workflow.currentTimeMillis();
      if (remaining <= 0) throw noWorker(session, options, unsupported);
      List<String> avoid = declines >= options.maxDeclines() ? List.of() : options.avoidWorkers();
      SessionLeaseActivity lease =
          Workflow.newActivityStub(
              SessionLeaseActivity.class, leaseOptions(options, Duration.ofMillis(remaining)));
      SessionRequest request =
          options.reattachTimeout().isZero() && options.reattach() == null
              ? new SessionRequest(sessionId, options.attempt(), avoid, stageTypes)
              : new SessionRequest(
                  sessionId,
                  options.attempt(),
                  avoid,
                  stageTypes,
                  options.reattachTimeout(),
                  options.reattach());
      @SuppressWarnings("unchecked")
      Promise<Void>[] held = new Promise[1];
      CancellationScope scope =
          Workflow.newCancellationScope(() -> held[0] = Async.procedure(lease::hold, request));
      scope.run();
      Workflow.await(() -> grants.containsKey(sessionId) || held[0].isCompleted());

      SessionGrant grant = grants.get(sessionId);
      if (grant != null) {
        session.opened(grant, scope, held[0]);
        log.info(
            "session {} (attempt {}) open on worker {}, queue {}",
            sessionId,
            options.attempt(),
            grant.workerId(),
            grant.taskQueue());
        return session;
      }
      RuntimeException failure = held[0].getFailure();
      if (UnsupportedStages.isUnsupported(failure)) {
        // never counted as a decline: a worker without the stage must not end up accepting
        unsupported.record(failure);
        log.info("session {}: {}; asking again", sessionId, unsupported.describe());
        pauseAfterUnsupported(unsupported, deadline);
        continue;
      }
      if (FailureClassifier.isDeclined(failure)) {
        declines++;
        log.info("session {} declined ({} so far); asking again", sessionId, declines);
        pauseAfterDecline(declines, options, deadline);
        continue;
      }
      if (FailureClassifier.isScheduleToStartTimeout(failure)) {
        throw noWorker(session, options, unsupported);
      }
      if (FailureClassifier.isCancellation(failure)) throw failure;
      String reason = "before granting the session: " + FailureClassifier.leaseEnded(failure);
      session.failedBeforeGrant(reason);
      throw ApplicationFailure.newFailureWithCause(reason, Failures.SESSION_LOST, failure);
    }
  }

  /**
   * The first {@link SessionOptions#maxDeclines()} declines are asked again at once (they only
   * steer the session away from a worker that failed before). Declines beyond that come from
   * workers that take no sessions at all (draining), so asking again is paced, to keep the history
   * small while waiting for a worker with room.
   */
  private static void pauseAfterDecline(int declines, SessionOptions options, long deadline) {
    int extra = declines - options.maxDeclines();
    if (extra <= 0) return;
    long pause = Math.min(extra * DECLINE_PAUSE.toMillis(), MAX_DECLINE_PAUSE.toMillis());
    long remaining = deadline - Workflow.currentTimeMillis();
    if (remaining > 0) Workflow.sleep(Duration.ofMillis(Math.min(pause, remaining)));
  }

  /**
   * Declines for missing stage types are asked again, paced like surplus declines: the first
   * request per declining worker at once (another worker may have the stage), later ones after a
   * growing pause, so the history stays small while waiting for a worker that has the stages.
   */
  private static void pauseAfterUnsupported(UnsupportedStages unsupported, long deadline) {
    int extra = unsupported.declines() - unsupported.workers();
    if (extra <= 0) return;
    long pause = Math.min(extra * DECLINE_PAUSE.toMillis(), MAX_DECLINE_PAUSE.toMillis());
    long remaining = deadline - Workflow.currentTimeMillis();
    if (remaining > 0) Workflow.sleep(Duration.ofMillis(Math.min(pause, remaining)));
  }

  private static ApplicationFailure noWorker(
      WorkerSession session, SessionOptions options, UnsupportedStages unsupported) {
    String within = " within " + Durations.format(options.creationTimeout());
    String message;
    if (options.reattach() != null)
      message =
          "no process of the worker re-attached session "
              + options.reattach().previousSessionId()
              + within;
    else if (!unsupported.isEmpty()) message = unsupported.describe() + within;
    else if (options.pool().equals(Pools.DEFAULT))
      message = "no worker with a free session slot" + within;
    else message = "no worker in pool " + options.pool() + " had a free slot" + within;
    session.failedBeforeGrant(message);
    return ApplicationFailure.newNonRetryableFailure(message, Failures.NO_WORKER);
  }

  /**
   * Lease options, each chosen for what it detects: schedule-to-start = no worker has room;
   * heartbeat = the worker died; one attempt only (a retried lease would be re-dispatched silently
   * and the workflow would never learn the worker was lost); TRY_CANCEL so closing never waits for
   * a dead worker; no eager execution so the lease goes through the task queue's slot accounting.
   */
  private static ActivityOptions leaseOptions(SessionOptions options, Duration scheduleToStart) {
    String shared =
        options.leaseTaskQueue() != null
            ? options.leaseTaskQueue()
            : Workflow.getInfo().getTaskQueue();
    // the default pool's queue is the shared queue itself: what workflows started before pools
    // recorded, so their histories replay unchanged without a version marker
    // (a re-attach offer names its worker id's own queue, whatever the pool)
    String queue =
        options.reattach() != null ? shared : TaskQueues.leaseQueue(shared, options.pool());
    return ActivityOptions.newBuilder()
        .setTaskQueue(queue)
        .setScheduleToStartTimeout(scheduleToStart)
        .setStartToCloseTimeout(options.maxSessionDuration())
        .setHeartbeatTimeout(options.heartbeatTimeout())
        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .setDisableEagerExecution(true)
        .build();
  }

  /** Every session opened so far (including ones still waiting), oldest first. */
  public List<WorkerSession> sessions() {
    return List.copyOf(sessions);
  }

  /** Snapshots of every session opened so far, oldest first. */
  public List<SessionRecord> records() {
    List<SessionRecord> records = new ArrayList<>(sessions.size());
    for (WorkerSession s : sessions) records.add(s.record());
    return records;
  }

  private static final class GrantListener implements SessionGrantSignal {
    private final WorkerSessions sessions;

    GrantListener(WorkerSessions sessions) {
      this.sessions = sessions;
    }

    @Override
    public void sessionReady(SessionGrant grant) {
      sessions.onGrant(grant);
    }
  }
}
