package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.HeartbeatChannel;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageDispatcherTest {
  static final OptionSpec<String> TEXT =
      OptionSpec.builder("text", OptionType.STRING)
          .description("what to write, or 'bad' / 'io' to fail")
          .required()
          .build();

  /** Writes its option into out.txt, after recording what it saw of its context. */
  static final class WriteStage implements Stage {
    final AtomicReference<StageContext> seen = new AtomicReference<>();
    final List<String> outputDirListing = new ArrayList<>();

    @Override
    public String type() {
      return "write";
    }

    @Override
    public String description() {
      return "Writes text.";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(TEXT);
    }

    @Override
    public List<SettingSpec<?>> settings() {
      return List.of(ROOTS, LIMIT);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      seen.set(context);
      try (var files = Files.list(context.outputDir())) {
        files.forEach(f -> outputDirListing.add(f.getFileName().toString()));
      }
      String text = input.config().get(TEXT);
      Path out = Files.writeString(context.outputDir().resolve("out.txt"), text);
      context.heartbeat(Progress.bytes(text.length(), text.length()));
      if (text.equals("bad")) throw new BadInputException("line 3: unbalanced quote");
      if (text.equals("io")) throw new IOException("disk hiccup");
      return StageResult.of(
          List.of(context.artifact(out, 1)), StageMetrics.bytes(0, text.length()));
    }
  }

  @TempDir Path sessionDir;

  private final WriteStage stage = new WriteStage();
  private final SessionRegistry sessions = new SessionRegistry();
  private final List<Progress> heartbeats = new ArrayList<>();
  private StageDispatcher dispatcher;

  private final HeartbeatChannel heartbeat =
      new HeartbeatChannel() {
        @Override
        public void heartbeat(Progress progress) {
          heartbeats.add(progress);
        }

        @Override
        public Optional<Progress> previous() {
          return Optional.of(Progress.bytes(7, 10));
        }
      };

  static final SettingSpec<List<String>> ROOTS =
      SettingSpec.builder("roots", OptionType.COMMA_LIST)
          .description("test roots")
          .defaultValue(List.of())
          .build();
  static final SettingSpec<Long> LIMIT =
      SettingSpec.builder("limit", OptionType.SIZE)
          .description("test limit")
          .defaultValue(64L << 20)
          .build();

  @Test
  void refusesWorkerSettingsNoStageDeclaresAndInvalidValuesListingTheKnownOnes() {
    assertThatThrownBy(
            () ->
                new StageDispatcher(
                    "w1",
                    StageRegistry.of(List.of(stage)),
                    sessions,
                    Map.of("rootz", "/data", "limit", "lots")))
        .isInstanceOf(InvalidWorkerSettingsException.class)
        .hasMessageContaining("unknown worker setting 'rootz' (known: limit, roots)")
        .hasMessageContaining("worker setting limit: ");
  }

  @BeforeEach
  void setUp() {
    sessions.register(new OpenSession("s-1", "wf-1", sessionDir, Instant.now()));
    dispatcher =
        new StageDispatcher(
            "w1", StageRegistry.of(List.of(stage)), sessions, Map.of("roots", "/data, /srv"));
  }

  private static StageInvocation invocation(String sessionId, Map<String, Object> options) {
    return new StageInvocation(
        new PipelineInfo("p", "wf-1", "run-1"),
        sessionId,
        2,
        new StageSpec("write", options, StageTimeouts.DEFAULTS, 3),
        List.of());
  }

  @Test
  void runsTheStageInItsOwnOutputDirectoryAndDescribesItsOutputs() throws Exception {
    StageResult result =
        dispatcher.dispatch("write", invocation("s-1", Map.of("text", "hello")), 2, heartbeat);

    Path out = sessionDir.resolve("2-write/attempt-2/out.txt");
    assertThat(out).hasContent("hello");
    byte[] sha =
        MessageDigest.getInstance("SHA-256").digest("hello".getBytes(StandardCharsets.UTF_8));
    assertThat(result.outputs())
        .containsExactly(
            new Artifact("2-write/attempt-2/out.txt", 5, HexFormat.of().formatHex(sha), 1));
    StageContext context = stage.seen.get();
    assertThat(context.sessionDir()).isEqualTo(sessionDir.toAbsolutePath());
    assertThat(context.attempt()).isEqualTo(2);
    assertThat(context.pipeline().workflowId()).isEqualTo("wf-1");
    assertThat(context.previousProgress()).contains(Progress.bytes(7, 10));
    assertThat(context.setting(ROOTS)).containsExactly("/data", "/srv");
    assertThat(context.setting(LIMIT)).isEqualTo(LIMIT.defaultValue());
    assertThat(heartbeats).containsExactly(Progress.bytes(5, 5));
  }

  @Test
  void emptiesTheOutputDirectoryAtTheStartOfEveryAttempt() throws Exception {
    Path leftover =
        Files.createDirectories(sessionDir.resolve("2-write/attempt-2")).resolve("partial.tmp");
    Files.writeString(leftover, "from a crashed attempt");

    dispatcher.dispatch("write", invocation("s-1", Map.of("text", "hello")), 2, heartbeat);

    assertThat(stage.outputDirListing).isEmpty();
    assertThat(leftover).doesNotExist();
  }

  @Test
  void aSessionThatIsNotOpenHereIsLost() {
    assertThatThrownBy(
            () ->
                dispatcher.dispatch("write", invocation("s-9", Map.of("text", "x")), 1, heartbeat))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(Failures.SESSION_LOST);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).isEqualTo("session s-9 is not open on worker w1");
            });
    assertThat(stage.seen.get()).isNull();
  }

  @Test
  void aSessionWhoseDirectoryIsGoneIsLostAndNotRecreated() {
    Path gone = sessionDir.resolveSibling(sessionDir.getFileName() + "-gone");
    sessions.register(new OpenSession("s-gone", "wf-1", gone, Instant.now()));

    assertThatThrownBy(
            () ->
                dispatcher.dispatch(
                    "write", invocation("s-gone", Map.of("text", "x")), 1, heartbeat))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(Failures.SESSION_LOST));
    assertThat(gone).doesNotExist();
  }

  @Test
  void invalidOptionsAreBadInputListingEveryProblem() {
    assertThatThrownBy(
            () ->
                dispatcher.dispatch(
                    "write", invocation("s-1", Map.of("colour", "red")), 1, heartbeat))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("stages[2] (write).colour: unknown option")
                  .contains("stages[2] (write).text: required option is missing");
            });
    assertThat(stage.seen.get()).isNull();
  }

  @Test
  void badInputFailsWithoutRetryAndLeavesNoOutputs() {
    assertThatThrownBy(
            () ->
                dispatcher.dispatch(
                    "write", invocation("s-1", Map.of("text", "bad")), 1, heartbeat))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).isEqualTo("line 3: unbalanced quote");
            });
    assertThat(sessionDir.resolve("2-write/attempt-1")).doesNotExist();
  }

  @Test
  void otherFailuresPropagateForARetryAndLeaveNoOutputs() {
    assertThatThrownBy(
            () ->
                dispatcher.dispatch("write", invocation("s-1", Map.of("text", "io")), 1, heartbeat))
        .isNotInstanceOf(ApplicationFailure.class)
        .hasRootCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("disk hiccup");
    assertThat(sessionDir.resolve("2-write/attempt-1")).doesNotExist();
  }

  @Test
  void aFencedSessionStopsTheStageAtItsHeartbeatAndTemporalSeesSessionLost() {
    sessions.fence("s-1", Duration.ZERO); // the lease was not confirmed in time

    assertThatThrownBy(
            () ->
                dispatcher.dispatch(
                    "write", invocation("s-1", Map.of("text", "hello")), 1, heartbeat))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(Failures.SESSION_LOST);
              assertThat(f.isNonRetryable()).isTrue();
            });
    assertThat(heartbeats).isEmpty();
    assertThat(sessionDir.resolve("2-write/attempt-1")).doesNotExist();
  }

  @Test
  void aMismatchedActivityTypeIsBadInput() {
    assertThatThrownBy(
            () ->
                dispatcher.dispatch("other", invocation("s-1", Map.of("text", "x")), 1, heartbeat))
        .isInstanceOfSatisfying(
            ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT));
  }
}
