package dev.locality.activities.dispatch;

import dev.locality.activities.session.MdcScope;
import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.activities.session.WorkRoot;
import dev.locality.api.spec.Problem;
import dev.locality.api.spec.SpecValidator;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Progress;
import dev.locality.stage.RedactedUrl;
import dev.locality.stage.Stage;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.AttemptContext;
import dev.locality.stage.runtime.AttemptDirs;
import dev.locality.stage.runtime.AttemptRunner;
import dev.locality.stage.runtime.HeartbeatChannel;
import dev.locality.stage.runtime.ResourceCache;
import dev.locality.stage.runtime.StageFailures;
import dev.locality.stage.runtime.WorkerSettingValues;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.DynamicActivity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every stage activity that arrives on the worker's unique queue: the activity type is the
 * stage type, the single argument a {@link StageInvocation}, the result the stage's {@link
 * StageResult}.
 *
 * <p>Per attempt it: checks that the session is open on this worker (else non-retryable {@link
 * Failures#SESSION_LOST}, so the workflow fails over); validates the stage's options again (else
 * non-retryable {@link Failures#BAD_INPUT} listing every problem); gives the attempt its own empty
 * output directory {@code <sessionDir>/<index>-<type>/attempt-<n>} and resume directory ({@link
 * AttemptDirs}: an earlier attempt still running never touches them, nor they it); runs the stage
 * in an {@link AttemptContext} through {@link AttemptRunner} (the framework shared with the test
 * kit: pass-through of artifacts the stage does not consume, clean-up on failure), heartbeating to
 * Temporal through the session fence, with the worker's shared resources ({@link ResourceCache},
 * {@code StageContext.resources()}) in the stage type's namespace.
 *
 * <p>Failures ({@link StageFailures} sorts them): bad input (a {@link BadInputException}, a name
 * collision, permission denied on a file the user named, a file name too long) becomes a
 * non-retryable {@link Failures#BAD_INPUT} failure with the stage's message; {@link
 * OutOfMemoryError} and permission denied inside the session directory become a non-retryable
 * {@link Failures#WORKER_RESOURCES} failure (logged as an error; the workflow fails over at once);
 * a full disk is a retryable {@code DiskFull} failure whose partial output and resume files are
 * deleted; anything else propagates and is retried on this worker, keeping the resume files. A
 * failed attempt leaves no output directory behind. A heartbeat that must stop the stage reaches it
 * as a {@link StageCancelledException} whose cause is the SDK's exception (cancellation) or the
 * fence's failure; the dispatcher throws that cause unchanged, so Temporal sees what it would
 * without the translation. Every message and cause chain that leaves here (to Temporal or the log)
 * has its URLs {@linkplain StageFailures#redacted redacted}, whatever the stage wrote. Thread-safe.
 */
public final class StageDispatcher implements DynamicActivity {
  private static final Logger log = LoggerFactory.getLogger(StageDispatcher.class);

  private final String workerId;
  private final StageRegistry stages;
  private final SpecValidator validator;
  private final SessionRegistry sessions;
  private final WorkerSettingValues workerSettings;
  private final List<Path> workerOwnedPaths;
  private final BooleanSupplier givingUpSessions;
  private final LeftoverLedger leftovers;
  private final AttemptDirs attemptDirs = new AttemptDirs();
  private final ResourceCache resources;

  /**
   * @param workerSettings the worker settings stages read through {@code StageContext.setting}
   * @throws dev.locality.stage.runtime.InvalidWorkerSettingsException when a setting is not one the
   *     stages declare or its value is invalid
   */
  public StageDispatcher(
      String workerId,
      StageRegistry stages,
      SessionRegistry sessions,
      Map<String, String> workerSettings) {
    this(
        workerId,
        stages,
        sessions,
        workerSettings,
        List.of(),
        LeftoverLedger.inMemory(),
        () -> false);
  }

  /** As below, with a resource cache of the default budgets of its own. */
  public StageDispatcher(
      String workerId,
      StageRegistry stages,
      SessionRegistry sessions,
      Map<String, String> workerSettings,
      List<Path> workerOwnedPaths,
      LeftoverLedger leftovers,
      BooleanSupplier givingUpSessions) {
    this(
        workerId,
        stages,
        sessions,
        workerSettings,
        workerOwnedPaths,
        leftovers,
        givingUpSessions,
        new ResourceCache(
            ResourceCache.DEFAULT_MAX_ENTRIES, ResourceCache.DEFAULT_MAX_BYTES, null));
  }

  /**
   * @param workerOwnedPaths the worker's own directories (work root, plugins directory) that stages
   *     refuse to touch through spec-supplied paths: what {@code StageContext.workerOwnedPaths()}
   *     returns
   * @param leftovers where stages' {@code StageContext.leftovers()} are kept: the pipeline's
   *     workflow on a worker ({@link WorkflowLeftoverLedger})
   * @param givingUpSessions true once the worker's drain timeout has passed and it gives its open
   *     sessions up: their running stages are then left to the workflow's cancellation (and the
   *     worker's shutdown) instead of being failed by the fence at the same moment as the lease, a
   *     race in which the workflow's cancel of an already failed stage is rejected
   *     (ACTIVITY_UNKNOWN) and the Java test server leaves the pipeline stuck
   * @param resources the worker's shared stage resources ({@code StageContext.resources()}, each
   *     stage type in its own namespace); the caller closes it when the worker stops
   */
  public StageDispatcher(
      String workerId,
      StageRegistry stages,
      SessionRegistry sessions,
      Map<String, String> workerSettings,
      List<Path> workerOwnedPaths,
      LeftoverLedger leftovers,
      BooleanSupplier givingUpSessions,
      ResourceCache resources) {
    this.resources = resources;
    this.givingUpSessions = givingUpSessions;
    this.leftovers = leftovers;
    this.workerOwnedPaths = List.copyOf(workerOwnedPaths);
    this.workerId = workerId;
    this.stages = stages;
    this.validator = new SpecValidator(stages);
    this.sessions = sessions;
    this.workerSettings = WorkerSettingValues.check(workerSettings, stages.all());
  }

  @Override
  public Object execute(EncodedValues args) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ActivityInfo info = context.getInfo();
    StageInvocation invocation = args.get(0, StageInvocation.class);
    String type = info.getActivityType();
    try (MdcScope ignored =
        MdcScope.of(info.getWorkflowId(), invocation.sessionId(), workerId)
            .with(MdcScope.STAGE, type)) {
      HeartbeatChannel heartbeat =
          FirstHeartbeatDelay.of(temporal(context), info.getHeartbeatTimeout());
      return dispatch(type, invocation, Math.max(1, info.getAttempt()), heartbeat);
    }
  }

  /**
   * Runs one attempt of the stage {@code type}: the dispatch without Temporal's activity context.
   *
   * @param attempt 1-based attempt number of this stage
   */
  public StageResult dispatch(
      String type, StageInvocation invocation, int attempt, HeartbeatChannel heartbeat) {
    int index = invocation.stageIndex();
    if (invocation.stage() == null || !type.equals(invocation.stage().type())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "activity type '"
              + type
              + "' does not match the stage type '"
              + (invocation.stage() == null ? null : invocation.stage().type())
              + "' of stage "
              + index,
          Failures.BAD_INPUT);
    }
    OpenSession session =
        sessions
            .find(invocation.sessionId())
            .filter(open -> Files.isDirectory(open.dir()))
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "session " + invocation.sessionId() + " is not open on worker " + workerId,
                        Failures.SESSION_LOST));
    List<Problem> problems = validator.validateStage(index, invocation.stage());
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          problems.stream().map(Problem::toString).collect(Collectors.joining("; ")),
          Failures.BAD_INPUT);
    }
    Stage stage = stages.find(type).orElseThrow(); // validation rejected unknown types
    Path stageDir = session.dir().resolve(index + "-" + WorkRoot.safeName(type));
    AttemptDirs.Attempt dirs;
    try {
      dirs = attemptDirs.start(stageDir, attempt);
    } catch (IOException e) {
      if (!Files.isDirectory(session.dir())) {
        throw ApplicationFailure.newNonRetryableFailure(
            "session " + invocation.sessionId() + " was closed on worker " + workerId,
            Failures.SESSION_LOST);
      }
      throw failure(type, index, attempt, e, session.dir());
    }
    try (dirs) {
      return run(stage, type, index, attempt, invocation, heartbeat, session.dir(), dirs);
    }
  }

  private StageResult run(
      Stage stage,
      String type,
      int index,
      int attempt,
      StageInvocation invocation,
      HeartbeatChannel heartbeat,
      Path sessionDir,
      AttemptDirs.Attempt dirs) {
    AttemptContext context =
        new AttemptContext(
            sessionDir,
            dirs,
            invocation.pipeline(),
            attempt,
            fenced(heartbeat, invocation.sessionId()),
            workerSettings,
            workerOwnedPaths,
            leftovers.of(invocation.pipeline().workflowId(), index),
            type,
            resources);
    StageInput input;
    try {
      input =
          new StageInput(
              OutputManifests.inputs(invocation, sessionDir),
              new StageConfig(invocation.stage().options()));
    } catch (RuntimeException e) {
      dirs.failed(false);
      throw e;
    }
    long started = System.nanoTime();
    log.info("stage {} ({}) attempt {} started in {}", index, type, attempt, dirs.outputDir());
    Path manifest = OutputManifests.fileFor(dirs.outputDir(), attempt);
    StageResult result;
    try {
      result =
          AttemptRunner.run(
              stage,
              input,
              context,
              dirs,
              done -> OutputManifests.spillIfLarge(done, sessionDir, manifest));
    } catch (Throwable t) {
      OutputManifests.deleteQuietly(manifest);
      throw failure(type, index, attempt, t, sessionDir);
    }
    log.info(
        "stage {} ({}) done in {} ms: {} output(s), {}",
        index,
        type,
        (System.nanoTime() - started) / 1_000_000,
        result.outputCount(),
        result.metrics());
    return result;
  }

  /**
   * What the activity throws for {@code t}: see {@link StageFailures} for the classes. Failures of
   * the SDK and the fence (cancellation, {@link Failures#SESSION_LOST}) propagate unchanged, also
   * when they reach here as the cause of the {@link StageCancelledException} the stage saw.
   */
  private RuntimeException failure(String type, int index, int attempt, Throwable t, Path dir) {
    if (t instanceof StageCancelledException && fromTemporal(t.getCause())) t = t.getCause();
    if (fromTemporal(t)) {
      log.warn(
          "stage {} ({}) attempt {} stopped: {}",
          index,
          type,
          attempt,
          RedactedUrl.inText(t.toString()));
      return (RuntimeException) t;
    }
    String message = StageFailures.describe(t, dir);
    Throwable shown = StageFailures.redacted(t); // what may leave the worker: no URL secrets
    switch (StageFailures.classify(t, dir)) {
      case BAD_INPUT:
        log.warn("stage {} ({}) rejected its input: {}", index, type, message);
        return ApplicationFailure.newNonRetryableFailureWithCause(
            t instanceof BadInputException ? RedactedUrl.inText(t.getMessage()) : message,
            Failures.BAD_INPUT,
            shown);
      case WORKER_RESOURCES:
        log.error(
            "WORKER RESOURCES EXHAUSTED: stage {} ({}) attempt {} on worker {}: {}; not retried"
                + " here, the session fails over to another worker",
            index,
            type,
            attempt,
            workerId,
            message,
            shown);
        if (t instanceof OutOfMemoryError) System.gc(); // the attempt's memory is unreachable now
        return ApplicationFailure.newNonRetryableFailureWithCause(
            message, Failures.WORKER_RESOURCES, shown);
      case DISK_FULL:
        log.error(
            "DISK FULL: stage {} ({}) attempt {} on worker {}: {}; its partial output was deleted",
            index,
            type,
            attempt,
            workerId,
            message);
        return ApplicationFailure.newFailureWithCause(message, "DiskFull", shown);
      default:
        log.warn("stage {} ({}) attempt {} failed: {}", index, type, attempt, shown.toString());
        if (shown != t) {
          // the same retryable failure Temporal makes of t (type: t's class), its text redacted
          return ApplicationFailure.newFailureWithCause(
              RedactedUrl.inText(t.getMessage()), t.getClass().getName(), shown.getCause());
        }
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Exception e) return Activity.wrap(e);
        if (t instanceof Error e) throw e;
        return new RuntimeException(t);
    }
  }

  private static boolean fromTemporal(Throwable t) {
    return t instanceof ApplicationFailure || t instanceof ActivityCompletionException;
  }

  /**
   * Heartbeats to Temporal's activity context. The SDK's exception when the activity must stop
   * (cancelled, timed out, worker shutting down) reaches the stage as a {@link
   * StageCancelledException} with the SDK's exception as its cause ({@link #failure} unwraps it).
   */
  private static HeartbeatChannel temporal(ActivityExecutionContext context) {
    return new HeartbeatChannel() {
      @Override
      public void heartbeat(Progress progress) {
        try {
          context.heartbeat(progress);
        } catch (ActivityCompletionException e) {
          throw new StageCancelledException(
              "the stage must stop: " + e.getClass().getSimpleName() + " from Temporal", e);
        }
      }

      @Override
      public Optional<Progress> previous() {
        return context.getHeartbeatDetails(Progress.class);
      }
    };
  }

  /**
   * Fencing: every stage heartbeat first checks that this worker still holds the session (its lease
   * was confirmed by the server recently, see {@link SessionRegistry#isHeld}); when not, the stage
   * stops with a non-retryable {@link Failures#SESSION_LOST} (the cause of the {@link
   * StageCancelledException} the stage sees) before writing or committing anything more, so a
   * worker that was cut off never commits output for a session the server has given to another
   * worker.
   */
  private HeartbeatChannel fenced(HeartbeatChannel heartbeat, String sessionId) {
    return new HeartbeatChannel() {
      @Override
      public void heartbeat(Progress progress) {
        boolean givenUp = givingUpSessions.getAsBoolean() && sessions.find(sessionId).isEmpty();
        if (!givenUp && !sessions.isHeld(sessionId)) {
          String message =
              "session " + sessionId + " is no longer held by worker " + workerId + " (fenced)";
          throw new StageCancelledException(
              message, ApplicationFailure.newNonRetryableFailure(message, Failures.SESSION_LOST));
        }
        heartbeat.heartbeat(progress);
      }

      @Override
      public Optional<Progress> previous() {
        return heartbeat.previous();
      }
    };
  }
}
