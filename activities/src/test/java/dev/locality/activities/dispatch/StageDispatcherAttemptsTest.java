package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.HeartbeatChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attempts of one stage that overlap in one session: a timed-out attempt still running beside its
 * retry (the "zombie") never deletes or overwrites the retry's files, and resume files pass only
 * from an attempt that has ended.
 */
class StageDispatcherAttemptsTest {
  static final OptionSpec<String> MODE =
      OptionSpec.builder("mode", OptionType.STRING).description("behaviour").build();

  /**
   * Attempt 1 writes out.txt and a resume file, then waits for the test and fails (or succeeds);
   * later attempts record their resume directory's content and write out.txt.
   */
  static final class SlowStage implements Stage {
    final CountDownLatch firstWrote = new CountDownLatch(1);
    final CountDownLatch releaseFirst = new CountDownLatch(1);
    final Map<Integer, List<String>> resumeFilesSeen = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "slow";
    }

    @Override
    public String description() {
      return "Blocks its first attempt.";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(MODE);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      Path resume = Files.createDirectories(context.resumeDir());
      try (var files = Files.list(resume)) {
        resumeFilesSeen.put(
            context.attempt(), files.map(p -> p.getFileName().toString()).sorted().toList());
      }
      Path out = context.outputDir().resolve("out.txt");
      try (OutputStream o = context.createOutput(out)) {
        o.write(("attempt " + context.attempt()).getBytes(StandardCharsets.UTF_8));
      }
      Files.writeString(resume.resolve("part-" + context.attempt()), "left");
      if (context.attempt() == 1) {
        firstWrote.countDown();
        if (!releaseFirst.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("stuck");
        if ("first-fails".equals(input.config().get(MODE))) throw new IOException("late failure");
      }
      context.heartbeat(Progress.bytes(1, 1));
      return StageResult.of(List.of(context.artifact(out, -1)), StageMetrics.bytes(0, 1));
    }
  }

  @TempDir Path sessionDir;

  private final SlowStage stage = new SlowStage();
  private final SessionRegistry sessions = new SessionRegistry();
  private StageDispatcher dispatcher;

  private static final HeartbeatChannel HEARTBEAT =
      new HeartbeatChannel() {
        @Override
        public void heartbeat(Progress progress) {}

        @Override
        public Optional<Progress> previous() {
          return Optional.empty();
        }
      };

  @BeforeEach
  void setUp() {
    sessions.register(new OpenSession("s-1", "wf-1", sessionDir, Instant.now()));
    dispatcher = new StageDispatcher("w1", StageRegistry.of(List.of(stage)), sessions, Map.of());
  }

  private StageResult attempt(int n, String mode) {
    return dispatcher.dispatch(
        "slow",
        new StageInvocation(
            new PipelineInfo("p", "wf-1", "run-1"),
            "s-1",
            1,
            new StageSpec("slow", Map.of("mode", mode), StageTimeouts.DEFAULTS, 5),
            List.of()),
        n,
        HEARTBEAT);
  }

  @Test
  void anOlderAttemptFailingLateDeletesNothingOfTheNewerOne() throws Exception {
    CompletableFuture<StageResult> first =
        CompletableFuture.supplyAsync(() -> attempt(1, "first-fails"));
    assertThat(stage.firstWrote.await(10, TimeUnit.SECONDS)).isTrue();

    StageResult second = attempt(2, "first-fails"); // the retry, while attempt 1 still runs

    assertThat(second.outputs())
        .singleElement()
        .satisfies(a -> assertThat(a.path()).isEqualTo("1-slow/attempt-2/out.txt"));
    assertThat(sessionDir.resolve("1-slow/attempt-1/out.txt")).hasContent("attempt 1");
    assertThat(stage.resumeFilesSeen.get(2)).isEmpty(); // attempt 1's are still its own

    stage.releaseFirst.countDown();
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("late failure");

    assertThat(sessionDir.resolve("1-slow/attempt-2/out.txt")).hasContent("attempt 2");
    assertThat(sessionDir.resolve("1-slow/attempt-1")).doesNotExist();
    assertThat(sessionDir.resolve("1-slow/resume-1/part-1")).exists(); // transient: kept
  }

  @Test
  void anOlderAttemptSucceedingLateDeletesNothingOfTheNewerOne() throws Exception {
    CompletableFuture<StageResult> first = CompletableFuture.supplyAsync(() -> attempt(1, "ok"));
    assertThat(stage.firstWrote.await(10, TimeUnit.SECONDS)).isTrue();
    attempt(2, "ok");

    stage.releaseFirst.countDown();
    first.get(10, TimeUnit.SECONDS);

    assertThat(sessionDir.resolve("1-slow/attempt-2/out.txt")).hasContent("attempt 2");
  }

  @Test
  void resumeFilesPassOnlyFromAnAttemptThatHasEnded() throws Exception {
    CompletableFuture<StageResult> first =
        CompletableFuture.supplyAsync(() -> attempt(1, "first-fails"));
    assertThat(stage.firstWrote.await(10, TimeUnit.SECONDS)).isTrue();
    stage.releaseFirst.countDown();
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("late failure");

    attempt(2, "ok");

    assertThat(stage.resumeFilesSeen.get(2)).containsExactly("part-1");
    try (var left = Files.list(sessionDir.resolve("1-slow"))) {
      // success removed its resume files and every ended earlier attempt's directories
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("attempt-2");
    }
  }
}
