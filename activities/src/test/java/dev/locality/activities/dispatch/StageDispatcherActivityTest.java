package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher as Temporal calls it: a dynamic activity picked by activity type. */
class StageDispatcherActivityTest {
  @ActivityInterface
  public interface WriteActivity {
    @ActivityMethod(name = "write")
    StageResult run(StageInvocation invocation);
  }

  @TempDir Path sessionDir;

  @Test
  void dispatchesByActivityTypeAndReturnsTheStageResult() {
    SessionRegistry sessions = new SessionRegistry();
    sessions.register(new OpenSession("s-1", "wf-1", sessionDir, Instant.now()));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(
          new StageDispatcher(
              "w1",
              StageRegistry.of(List.of(new StageDispatcherTest.WriteStage())),
              sessions,
              Map.of()));
      WriteActivity activity =
          env.newActivityStub(
              WriteActivity.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

      StageResult result =
          activity.run(
              new StageInvocation(
                  new PipelineInfo("p", "wf-1", "run-1"),
                  "s-1",
                  0,
                  new StageSpec("write", Map.of("text", "hi"), StageTimeouts.DEFAULTS, 3),
                  List.of()));

      assertThat(result.outputs())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.path()).isEqualTo("0-write/attempt-1/out.txt");
                assertThat(a.bytes()).isEqualTo(2);
              });
      assertThat(sessionDir.resolve("0-write/attempt-1/out.txt")).hasContent("hi");
    } finally {
      env.close();
    }
  }

  /** Heartbeats until its heartbeat throws, recording what it threw. */
  static final class UntilStopped implements Stage {
    final AtomicReference<RuntimeException> stoppedBy = new AtomicReference<>();

    @Override
    public String type() {
      return "write";
    }

    @Override
    public String description() {
      return "Heartbeats until stopped.";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(StageDispatcherTest.TEXT);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      try {
        for (long i = 0; i < 10_000; i++) {
          context.heartbeat(Progress.rows(i));
          Thread.sleep(1);
        }
      } catch (RuntimeException e) {
        stoppedBy.set(e);
        throw e;
      }
      throw new IllegalStateException("never cancelled");
    }
  }

  @Test
  void aCancelReachesTheStageAsStageCancelledAndTemporalGetsItsOwnExceptionBack() {
    SessionRegistry sessions = new SessionRegistry();
    sessions.register(new OpenSession("s-1", "wf-1", sessionDir, Instant.now()));
    UntilStopped stage = new UntilStopped();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(
          new StageDispatcher("w1", StageRegistry.of(List.of(stage)), sessions, Map.of()));
      env.setActivityHeartbeatListener(Progress.class, p -> env.requestCancelActivity());
      WriteActivity activity =
          env.newActivityStub(
              WriteActivity.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

      Throwable thrown =
          catchThrowable(
              () ->
                  activity.run(
                      new StageInvocation(
                          new PipelineInfo("p", "wf-1", "run-1"),
                          "s-1",
                          0,
                          new StageSpec("write", Map.of("text", "x"), StageTimeouts.DEFAULTS, 3),
                          List.of())));

      assertThat(stage.stoppedBy.get())
          .isInstanceOf(StageCancelledException.class)
          .hasCauseInstanceOf(ActivityCanceledException.class);
      // the SDK's own cancellation, as if the stage had let ActivityCanceledException through
      assertThat(thrown).isInstanceOf(CanceledFailure.class);
      assertThat(sessionDir.resolve("0-write/attempt-1")).doesNotExist();
    } finally {
      env.close();
    }
  }
}
