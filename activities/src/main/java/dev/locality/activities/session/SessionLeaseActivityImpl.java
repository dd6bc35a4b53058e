package dev.locality.activities.session;

import dev.locality.activities.resume.OutputVerifier;
import dev.locality.activities.resume.ReattachMarker;
import dev.locality.api.session.SessionGrant;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.StageResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of a session: registered only on the shared-queue worker, whose activity slots
 * ({@code maxSessions}) are the session slots. Holding one lease activity = holding one slot.
 *
 * <p>On start the lease declines with a retryable {@value Failures#LEASE_UNSUPPORTED} failure
 * (details: this worker's id and the missing types) when the request names a stage type this
 * worker's registry lacks, after pausing shared-queue polling for {@link #DECLINE_COOL_DOWN}: the
 * workflow keeps asking other workers and never makes this worker accept. It declines (retryable
 * {@value #LEASE_DECLINED} failure) when the request asks to avoid this worker, after pausing
 * shared-queue polling for {@link #DECLINE_COOL_DOWN} so that another worker picks the retry up, or
 * when the worker is draining. Otherwise it creates the session directory, registers the session,
 * signals {@link SessionGrant} to its workflow and then heartbeats every min(heartbeatTimeout/3,
 * 500 ms), waking at once on cancellation. It ends when a heartbeat reports the session closed:
 * {@link io.temporal.client.ActivityCanceledException} (and any other {@link
 * ActivityCompletionException}) is rethrown; {@link ActivityNotExistsException} (the workflow
 * closed the session and already finished) ends the lease normally; or when the worker's drain
 * expires, with a non-retryable {@link Failures#WORKER_SHUTDOWN}. Whatever the ending, the session
 * directory is deleted and the session unregistered. Thread-safe: one instance serves every lease
 * of the worker.
 *
 * <p>Same-host resume: a request with a re-attach window ({@link
 * SessionRequest#keepsFilesForReattach()}) gets a {@link ReattachMarker} in its session directory,
 * touched at every heartbeat, so that after a crash the next process's janitor keeps the files for
 * the window. The same instance is registered on the worker id's re-attach queue; a request there
 * ({@link SessionRequest#reattach()} set) takes the lost session's directory over from the dead
 * process ({@link WorkRoot#adopt}; declines with {@value #LEASE_DECLINED} when this work root has
 * none), verifies the completed stages' outputs ({@link OutputVerifier}, heartbeating while it
 * reads) and grants the session with the number of intact leading stages.
 */
public final class SessionLeaseActivityImpl implements SessionLeaseActivity {
  /** Failure type of a declined lease (retryable: the workflow asks again). */
  public static final String LEASE_DECLINED = Failures.LEASE_DECLINED;

  /** How long a declining worker stops polling the shared queue. */
  public static final Duration DECLINE_COOL_DOWN = Duration.ofMillis(1500);

  /** Upper bound of the heartbeat interval; matches the worker's heartbeat throttle interval. */
  public static final Duration MAX_HEARTBEAT_INTERVAL = Duration.ofMillis(500);

  private static final Logger log = LoggerFactory.getLogger(SessionLeaseActivityImpl.class);

  private final String workerId;
  private final String host;
  private final String uniqueQueue;
  private final WorkRoot workRoot;
  private final SessionRegistry sessions;
  private final GrantSender grants;
  private final Drain drain;
  private final SharedQueuePause pause;
  private final LeaseConfirmer confirmer;
  private final Predicate<String> hasStage;

  public SessionLeaseActivityImpl(
      String workerId,
      String host,
      String uniqueQueue,
      WorkRoot workRoot,
      SessionRegistry sessions,
      WorkflowClient client,
      Drain drain,
      SharedQueuePause pause) {
    this(workerId, host, uniqueQueue, workRoot, sessions, client, drain, pause, t -> true);
  }

  /**
   * The worker's lease.
   *
   * @param hasStage whether this worker's stage registry has a stage type; a lease whose request
   *     names a type it lacks is declined with {@value Failures#LEASE_UNSUPPORTED}
   */
  public SessionLeaseActivityImpl(
      String workerId,
      String host,
      String uniqueQueue,
      WorkRoot workRoot,
      SessionRegistry sessions,
      WorkflowClient client,
      Drain drain,
      SharedQueuePause pause,
      Predicate<String> hasStage) {
    this(
        workerId,
        host,
        uniqueQueue,
        workRoot,
        sessions,
        GrantSender.using(client),
        drain,
        pause,
        LeaseConfirmer.using(client, workerId),
        hasStage);
  }

  /** As the public constructor, with the grant delivery replaceable (tests). */
  public SessionLeaseActivityImpl(
      String workerId,
      String host,
      String uniqueQueue,
      WorkRoot workRoot,
      SessionRegistry sessions,
      GrantSender grants,
      Drain drain,
      SharedQueuePause pause) {
    this(workerId, host, uniqueQueue, workRoot, sessions, grants, drain, pause, null);
  }

  /**
   * As the public constructor, with grant delivery and lease confirmation replaceable (tests).
   *
   * @param confirmer confirms the lease with the server for fencing, or null for no fencing
   */
  public SessionLeaseActivityImpl(
      String workerId,
      String host,
      String uniqueQueue,
      WorkRoot workRoot,
      SessionRegistry sessions,
      GrantSender grants,
      Drain drain,
      SharedQueuePause pause,
      LeaseConfirmer confirmer) {
    this(
        workerId,
        host,
        uniqueQueue,
        workRoot,
        sessions,
        grants,
        drain,
        pause,
        confirmer,
        t -> true);
  }

  /**
   * As the public constructor, with grant delivery and lease confirmation replaceable (tests) and
   * the stage types this worker can run.
   *
   * @param confirmer confirms the lease with the server for fencing, or null for no fencing
   * @param hasStage whether this worker's stage registry has a stage type; a lease whose request
   *     names a type it lacks is declined with {@value Failures#LEASE_UNSUPPORTED}
   */
  public SessionLeaseActivityImpl(
      String workerId,
      String host,
      String uniqueQueue,
      WorkRoot workRoot,
      SessionRegistry sessions,
      GrantSender grants,
      Drain drain,
      SharedQueuePause pause,
      LeaseConfirmer confirmer,
      Predicate<String> hasStage) {
    this.hasStage = hasStage;
    this.confirmer = confirmer;
    this.workerId = workerId;
    this.host = host;
    this.uniqueQueue = uniqueQueue;
    this.workRoot = workRoot;
    this.sessions = sessions;
    this.grants = grants;
    this.drain = drain;
    this.pause = pause;
  }

  @Override
  public void hold(SessionRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ActivityInfo info = context.getInfo();
    String sessionId = request.sessionId();
    try (MdcScope ignored = MdcScope.of(info.getWorkflowId(), sessionId, workerId)) {
      declineIfUnwanted(request);
      sessions.register(
          new OpenSession(
              sessionId, info.getWorkflowId(), workRoot.sessionPath(sessionId), Instant.now()));
      if (confirmer != null) sessions.fence(sessionId, fenceWindow(info.getHeartbeatTimeout()));
      try {
        Duration interval = heartbeatInterval(info.getHeartbeatTimeout());
        Path dir;
        Integer verified = null;
        if (request.reattach() != null) {
          dir = adopt(context, request, interval);
          verified = verify(context, request, dir, interval);
        } else {
          dir = createDir(sessionId);
        }
        if (request.keepsFilesForReattach()) {
          writeReattachMarker(dir, request, info);
        }
        grants.send(
            info.getWorkflowId(),
            info.getRunId(),
            new SessionGrant(sessionId, workerId, host, uniqueQueue, verified));
        log.info(
            "session {} opened on worker {} for {} (attempt {}) in {}",
            sessionId,
            workerId,
            info.getWorkflowId(),
            request.attempt(),
            dir);
        holdUntilClosed(context, interval, sessionId, request.keepsFilesForReattach() ? dir : null);
      } catch (ActivityNotExistsException finished) {
        // The workflow closed the session and finished before our heartbeat saw the cancel.
        // Nothing is left to report to: skip the completion call, which would only fail with
        // NOT_FOUND and log a warning on every normal pipeline end.
        context.doNotCompleteOnReturn();
        log.info(
            "session {} closed on worker {} for {} (the workflow has finished)",
            sessionId,
            workerId,
            info.getWorkflowId());
      } catch (ActivityCompletionException closed) {
        log.info(
            "session {} closed on worker {} for {} ({})",
            sessionId,
            workerId,
            info.getWorkflowId(),
            closed.getClass().getSimpleName());
        throw closed;
      } catch (RuntimeException e) {
        log.warn(
            "session {} failed on worker {} for {}: {}",
            sessionId,
            workerId,
            info.getWorkflowId(),
            e.getMessage());
        throw e;
      } finally {
        release(sessionId);
      }
    }
  }

  private void declineIfUnwanted(SessionRequest request) {
    List<String> missing =
        request.requiredStageTypes().stream().filter(t -> !hasStage.test(t)).distinct().toList();
    if (!missing.isEmpty()) {
      String names = missing.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
      log.info(
          "declining session {}: worker {} has no stage {}", request.sessionId(), workerId, names);
      pause.pauseFor(DECLINE_COOL_DOWN);
      throw ApplicationFailure.newFailure(
          "worker " + workerId + " declined: it has no stage " + names,
          Failures.LEASE_UNSUPPORTED,
          workerId,
          missing);
    }
    if (request.avoidWorkers() != null && request.avoidWorkers().contains(workerId)) {
      log.info(
          "declining session {}: worker {} failed this pipeline before",
          request.sessionId(),
          workerId);
      pause.pauseFor(DECLINE_COOL_DOWN);
      throw ApplicationFailure.newFailure(
          "worker " + workerId + " declined: it failed this pipeline before", LEASE_DECLINED);
    }
    if (drain.isDraining()) {
      throw ApplicationFailure.newFailure(
          "worker " + workerId + " declined: it is shutting down", LEASE_DECLINED);
    }
  }

  /**
   * Same-host resume: takes over the directory the offer names, left by this worker id's previous
   * process on this work root; declines (retryable {@value #LEASE_DECLINED}) when it is not here,
   * so the workflow asks again until its re-attach window ends and then fails over.
   */
  private Path adopt(ActivityExecutionContext context, SessionRequest request, Duration interval) {
    String previous = request.reattach().previousSessionId();
    Optional<Path> dir;
    try {
      dir = workRoot.adopt(previous, request.sessionId());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "worker " + workerId + " could not take over the files of session " + previous, e);
    }
    if (dir.isEmpty()) {
      log.info(
          "declining re-attach of session {}: worker {} holds no files of it under {}",
          previous,
          workerId,
          workRoot.root());
      throw ApplicationFailure.newFailure(
          "worker "
              + workerId
              + " declined the re-attach: no files of session "
              + previous
              + " under its work root "
              + workRoot.root(),
          LEASE_DECLINED);
    }
    context.heartbeat(null);
    log.info(
        "session {}: took over the files of session {} in {}",
        request.sessionId(),
        previous,
        dir.get());
    return dir.get();
  }

  /**
   * Checks the taken-over outputs ({@link OutputVerifier}), heartbeating the lease at most every
   * {@code interval} while reading.
   *
   * @return how many leading completed stages are intact
   */
  private int verify(
      ActivityExecutionContext context, SessionRequest request, Path dir, Duration interval) {
    List<StageResult> completed = request.reattach().completedStages();
    long started = System.nanoTime();
    long[] lastBeat = {started};
    OutputVerifier.Verdict verdict =
        OutputVerifier.verify(
            dir,
            completed,
            () -> {
              long now = System.nanoTime();
              if (now - lastBeat[0] >= interval.toNanos()) {
                context.heartbeat(null);
                lastBeat[0] = now;
              }
            });
    log.info(
        "session {}: {} of {} completed stage(s) intact ({} bytes checked in {} ms){}",
        request.sessionId(),
        verdict.intactStages(),
        completed.size(),
        verdict.bytesRead(),
        (System.nanoTime() - started) / 1_000_000,
        verdict.firstDifference() == null ? "" : "; re-running from " + verdict.firstDifference());
    return verdict.intactStages();
  }

  private void writeReattachMarker(Path dir, SessionRequest request, ActivityInfo info) {
    try {
      ReattachMarker.write(
          dir, request.reattachWindow(), info.getHeartbeatTimeout(), info.getWorkflowId());
    } catch (IOException e) {
      // the session works without it; only its files may be deleted sooner after a crash
      log.warn(
          "session {}: could not write its re-attach marker: {}",
          request.sessionId(),
          e.toString());
    }
  }

  private Path createDir(String sessionId) {
    try {
      return workRoot.sessionDir(sessionId);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "worker " + workerId + " could not create the directory of session " + sessionId, e);
    }
  }

  /** Heartbeats until the session is closed (exception) or the drain expires. */
  private void holdUntilClosed(
      ActivityExecutionContext context, Duration interval, String sessionId, Path reattachable) {
    CountDownLatch wake = new CountDownLatch(1);
    try (var onCancel = context.getCancellationToken().onCancel(wake::countDown);
        var onExpire = drain.onExpire(wake::countDown)) {
      while (true) {
        context.heartbeat(null); // throws once the workflow closed the session
        if (reattachable != null) touchReattachMarker(reattachable);
        if (confirmer != null) confirm(context, interval, sessionId);
        if (drain.isExpired()) throw workerShutdown();
        wake.await(interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw workerShutdown();
    }
  }

  /** This process is alive: a restarted worker's janitor measures the window from here. */
  private static void touchReattachMarker(Path dir) {
    try {
      ReattachMarker.touch(dir);
    } catch (IOException e) {
      log.debug("could not touch the re-attach marker in {}: {}", dir, e.toString());
    }
  }

  /** Asks the server to record a lease heartbeat now, for the stages' fence. */
  private void confirm(ActivityExecutionContext context, Duration deadline, String sessionId) {
    switch (confirmer.confirm(context.getInfo().getTaskToken(), deadline)) {
      case CONFIRMED -> sessions.confirmLease(sessionId);
      case GONE -> {
        sessions.markLost(sessionId);
        log.warn("session {}: the server no longer knows its lease; fenced off", sessionId);
      }
      case UNREACHABLE -> {} // the window runs out unless a later confirmation succeeds
    }
  }

  /**
   * How long one server confirmation lets the stages keep acting: half the lease's heartbeat
   * timeout, so a cut-off worker stops before the server can hand the session to another worker.
   */
  static Duration fenceWindow(Duration heartbeatTimeout) {
    if (heartbeatTimeout == null || heartbeatTimeout.isZero()) return Duration.ofSeconds(5);
    return heartbeatTimeout.dividedBy(2);
  }

  private ApplicationFailure workerShutdown() {
    return ApplicationFailure.newNonRetryableFailure(
        "worker " + workerId + " shut down before the session closed", Failures.WORKER_SHUTDOWN);
  }

  private void release(String sessionId) {
    sessions.unregister(sessionId);
    try {
      workRoot.deleteSessionDir(sessionId);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete the directory of session {}: {}", sessionId, e.toString());
    }
  }

  /** min(heartbeatTimeout / 3, 500 ms); 500 ms when the lease has no heartbeat timeout. */
  static Duration heartbeatInterval(Duration heartbeatTimeout) {
    if (heartbeatTimeout == null || heartbeatTimeout.isZero()) return MAX_HEARTBEAT_INTERVAL;
    Duration third = heartbeatTimeout.dividedBy(3);
    return third.compareTo(MAX_HEARTBEAT_INTERVAL) < 0 ? third : MAX_HEARTBEAT_INTERVAL;
  }
}
