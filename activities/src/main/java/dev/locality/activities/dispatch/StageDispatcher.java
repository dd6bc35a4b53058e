package dev.locality.activities.dispatch;

import dev.locality.activities.session.FileTrees;
import dev.locality.activities.session.MdcScope;
import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.activities.session.WorkRoot;
import dev.locality.api.spec.Problem;
import dev.locality.api.spec.SpecValidator;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageInput;
import dev.locality.api.stage.StageRegistry;
import dev.locality.api.stage.StageResult;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.DynamicActivity;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * non-retryable {@link Failures#BAD_INPUT} listing every problem); empties the stage's output
 * directory {@code <sessionDir>/<index>-<type>}; runs the stage. A {@link BadInputException}
 * becomes a non-retryable {@link Failures#BAD_INPUT} failure with the stage's message; anything
 * else propagates and is retried on this worker. A failed attempt leaves no output directory
 * behind. Heartbeat exceptions from the SDK (cancellation) propagate unchanged. Thread-safe.
 */
public final class StageDispatcher implements DynamicActivity {
  private static final Logger log = LoggerFactory.getLogger(StageDispatcher.class);

  private final String workerId;
  private final StageRegistry stages;
  private final SpecValidator validator;
  private final SessionRegistry sessions;
  private final Map<String, String> workerSettings;
  private final BooleanSupplier givingUpSessions;

  /**
   * @param workerSettings settings stages read through {@code StageContext.workerSetting}, such as
   *     {@code allowedFileRoots}
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
    this.workerSettings = Map.copyOf(workerSettings);
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
    Path outputDir = session.dir().resolve(index + "-" + WorkRoot.safeName(type));
    try {
      FileTrees.deleteRecursively(outputDir);
      Files.createDirectory(outputDir); // never recreates a session directory already deleted
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare " + outputDir, e);
    }
    StageContextImpl context =
        new StageContextImpl(
            session.dir(),
            outputDir,
            invocation.pipeline(),
            attempt,
            fenced(heartbeat, invocation.sessionId()),
            workerSettings,
            type);
    StageInput input =
        new StageInput(
            invocation.inputs() == null ? List.of() : invocation.inputs(),
            new StageConfig(invocation.stage().options()));
    long started = System.nanoTime();
    boolean succeeded = false;
    log.info("stage {} ({}) attempt {} started", index, type, attempt);
    try {
      StageResult result = stage.run(input, context);
      if (result == null) throw new IllegalStateException("stage " + type + " returned no result");
      succeeded = true;
      log.info(
          "stage {} ({}) done in {} ms: {} output(s), {}",
          index,
          type,
          (System.nanoTime() - started) / 1_000_000,
          result.outputs().size(),
          result.metrics());
      return result;
    } catch (BadInputException e) {
      log.warn("stage {} ({}) rejected its input: {}", index, type, e.getMessage());
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          e.getMessage(), Failures.BAD_INPUT, e);
    } catch (RuntimeException e) {
      log.warn("stage {} ({}) attempt {} failed: {}", index, type, attempt, e.toString());
      throw e;
    } catch (Exception e) {
      log.warn("stage {} ({}) attempt {} failed: {}", index, type, attempt, e.toString());
      throw Activity.wrap(e);
    } finally {
      if (!succeeded) deleteQuietly(outputDir);
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
      public void heartbeat(dev.locality.api.stage.Progress progress) {
        boolean givenUp = givingUpSessions.getAsBoolean() && sessions.find(sessionId).isEmpty();
        if (!givenUp && !sessions.isHeld(sessionId)) {
          throw ApplicationFailure.newNonRetryableFailure(
              "session " + sessionId + " is no longer held by worker " + workerId + " (fenced)",
              Failures.SESSION_LOST);
        }
        heartbeat.heartbeat(progress);
      }

      @Override
      public java.util.Optional<dev.locality.api.stage.Progress> previous() {
        return heartbeat.previous();
      }
    };
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
