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
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
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
 * AttemptDirs}: an earlier attempt still running never touches them, nor they it); runs the stage.
 *
 * <p>Failures ({@link StageFailures} sorts them): bad input (a {@link BadInputException}, a name
 * collision, permission denied on a file the user named, a file name too long) becomes a
 * non-retryable {@link Failures#BAD_INPUT} failure with the stage's message; {@link
 * OutOfMemoryError} and permission denied inside the session directory become a non-retryable
 * {@link Failures#WORKER_RESOURCES} failure (logged as an error; the workflow fails over at once);
 * a full disk is a retryable {@code DiskFull} failure whose partial output and resume files are
 * deleted; anything else propagates and is retried on this worker, keeping the resume files. A
 * failed attempt leaves no output directory behind. Heartbeat exceptions from the SDK
 * (cancellation) and the fence propagate unchanged. Thread-safe.
 */
public final class StageDispatcher implements DynamicActivity {
  private static final Logger log = LoggerFactory.getLogger(StageDispatcher.class);

  private final String workerId;
  private final StageRegistry stages;
  private final SpecValidator validator;
  private final SessionRegistry sessions;
  private final WorkerSettingValues workerSettings;
  private final BooleanSupplier givingUpSessions;
  private final AttemptDirs attemptDirs = new AttemptDirs();

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
    this(workerId, stages, sessions, workerSettings, () -> false);
  }

  /**
   * @param givingUpSessions true once the worker's drain timeout has passed and it gives its open
   *     sessions up: their running stages are then left to the workflow's cancellation (and the
   *     worker's shutdown) instead of being failed by the fence at the same moment as the lease, a
   *     race in which the workflow's cancel of an already failed stage is rejected
   *     (ACTIVITY_UNKNOWN) and the Java test server leaves the pipeline stuck
   */
  public StageDispatcher(
      String workerId,
      StageRegistry stages,
      SessionRegistry sessions,
      Map<String, String> workerSettings,
      BooleanSupplier givingUpSessions) {
    this.givingUpSessions = givingUpSessions;
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
      return dispatch(type, invocation, Math.max(1, info.getAttempt()), StageHeartbeat.of(context));
    }
  }

  /**
   * Runs one attempt of the stage {@code type}: the dispatch without Temporal's activity context.
   *
   * @param attempt 1-based attempt number of this stage
   */
  public StageResult dispatch(
      String type, StageInvocation invocation, int attempt, StageHeartbeat heartbeat) {
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
      StageHeartbeat heartbeat,
      Path sessionDir,
      AttemptDirs.Attempt dirs) {
    StageContextImpl context =
        new StageContextImpl(
            sessionDir,
            dirs.outputDir(),
            dirs.resumeDir(),
            invocation.pipeline(),
            attempt,
            fenced(heartbeat, invocation.sessionId()),
            workerSettings,
            type);
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
    StageResult result;
    try {
      result = stage.run(input, context);
      if (result == null) throw new IllegalStateException("stage " + type + " returned no result");
      result =
          OutputManifests.spillIfLarge(
              result, sessionDir, OutputManifests.fileFor(dirs.outputDir(), attempt));
    } catch (Throwable t) {
      StageFailures.Kind kind = StageFailures.classify(t, sessionDir);
      dirs.failed(kind == StageFailures.Kind.TRANSIENT);
      OutputManifests.deleteQuietly(OutputManifests.fileFor(dirs.outputDir(), attempt));
      throw failure(type, index, attempt, t, sessionDir);
    }
    dirs.succeeded();
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
   * the SDK and the fence (cancellation, {@link Failures#SESSION_LOST}) propagate unchanged.
   */
  private RuntimeException failure(String type, int index, int attempt, Throwable t, Path dir) {
    if (t instanceof ApplicationFailure || t instanceof ActivityCompletionException) {
      log.warn("stage {} ({}) attempt {} stopped: {}", index, type, attempt, t.toString());
      return (RuntimeException) t;
    }
    String message = StageFailures.describe(t, dir);
    switch (StageFailures.classify(t, dir)) {
      case BAD_INPUT:
        log.warn("stage {} ({}) rejected its input: {}", index, type, message);
        return ApplicationFailure.newNonRetryableFailureWithCause(
            t instanceof BadInputException ? t.getMessage() : message, Failures.BAD_INPUT, t);
      case WORKER_RESOURCES:
        log.error(
            "WORKER RESOURCES EXHAUSTED: stage {} ({}) attempt {} on worker {}: {}; not retried"
                + " here, the session fails over to another worker",
            index,
            type,
            attempt,
            workerId,
            message,
            t);
        if (t instanceof OutOfMemoryError) System.gc(); // the attempt's memory is unreachable now
        return ApplicationFailure.newNonRetryableFailureWithCause(
            message, Failures.WORKER_RESOURCES, t);
      case DISK_FULL:
        log.error(
            "DISK FULL: stage {} ({}) attempt {} on worker {}: {}; its partial output was deleted",
            index,
            type,
            attempt,
            workerId,
            message);
        return ApplicationFailure.newFailureWithCause(message, "DiskFull", t);
      default:
        log.warn("stage {} ({}) attempt {} failed: {}", index, type, attempt, t.toString());
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Exception e) return Activity.wrap(e);
        if (t instanceof Error e) throw e;
        return new RuntimeException(t);
    }
  }

  /**
   * Fencing: every stage heartbeat first checks that this worker still holds the session (its lease
   * was confirmed by the server recently, see {@link SessionRegistry#isHeld}); when not, the stage
   * stops with a non-retryable {@link Failures#SESSION_LOST} before writing or committing anything
   * more, so a worker that was cut off never commits output for a session the server has given to
   * another worker.
   */
  private StageHeartbeat fenced(StageHeartbeat heartbeat, String sessionId) {
    return new StageHeartbeat() {
      @Override
      public void heartbeat(dev.locality.stage.Progress progress) {
        boolean givenUp = givingUpSessions.getAsBoolean() && sessions.find(sessionId).isEmpty();
        if (!givenUp && !sessions.isHeld(sessionId)) {
          throw ApplicationFailure.newNonRetryableFailure(
              "session " + sessionId + " is no longer held by worker " + workerId + " (fenced)",
              Failures.SESSION_LOST);
        }
        heartbeat.heartbeat(progress);
      }

      @Override
      public java.util.Optional<dev.locality.stage.Progress> previous() {
        return heartbeat.previous();
      }
    };
  }
}
