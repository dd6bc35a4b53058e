package dev.locality.stage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.locality.stage.Artifact;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the kit simulates of a worker: retries, cancellation, heartbeat timeouts, settings. */
class StageTestRunnerTest {
  static final SettingSpec<Long> CHUNK =
      SettingSpec.builder("chunkBytes", OptionType.SIZE)
          .description("bytes per chunk")
          .defaultValue(4L)
          .build();

  static final OptionSpec<Long> SLEEP_MS =
      OptionSpec.builder("sleepMs", OptionType.INTEGER)
          .description("sleep before returning")
          .defaultValue(0L)
          .build();

  /**
   * Copies its inputs chunk by chunk into one file, keeping what it copied in its resume directory;
   * with {@code failFirst}, attempt 1 fails after the first chunk. Records what each attempt saw.
   */
  static class Copier implements Stage {
    final List<String> seen = new ArrayList<>();
    final AtomicReference<Optional<Progress>> previous = new AtomicReference<>();
    final boolean failFirst;

    Copier(boolean failFirst) {
      this.failFirst = failFirst;
    }

    @Override
    public String type() {
      return "copy";
    }

    @Override
    public String description() {
      return "Copies.";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(SLEEP_MS);
    }

    @Override
    public List<SettingSpec<?>> settings() {
      return List.of(CHUNK);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      previous.set(context.previousProgress());
      Path resume = Files.createDirectories(context.resumeDir());
      try (var files = Files.list(resume)) {
        files.forEach(f -> seen.add(context.attempt() + ":" + f.getFileName()));
      }
      long chunk = context.setting(CHUNK);
      Path out = context.outputDir().resolve("out.bin");
      long done = 0;
      try (OutputStream o = context.createOutput(out)) {
        for (Artifact a : input.artifacts()) {
          byte[] bytes = Files.readAllBytes(context.resolve(a));
          for (int i = 0; i < bytes.length; i += chunk) {
            int n = (int) Math.min(chunk, bytes.length - i);
            o.write(bytes, i, n);
            done += n;
            context.heartbeat(Progress.bytes(done, -1));
            Files.writeString(resume.resolve("copied"), Long.toString(done));
            if (failFirst && context.attempt() == 1) throw new IOException("connection reset");
          }
        }
      }
      Thread.sleep(input.config().get(SLEEP_MS));
      return StageResult.of(List.of(context.artifact(out, -1)), StageMetrics.bytes(done, done));
    }
  }

  @TempDir Path tmp;

  @Test
  void aRetryFindsTheFailedAttemptsResumeFilesAndLastHeartbeat() throws Exception {
    Copier stage = new Copier(true);
    StageTestRunner runner = StageTestRunner.of(stage, tmp).input("a.txt", "0123456789");

    IOException cut = runner.runExpectingFailure(IOException.class);
    assertEquals("connection reset", cut.getMessage());
    assertFalse(Files.exists(runner.outputDir()), "the framework deleted attempt 1's output");
    assertEquals(List.of(runner.stageDir().resolve("resume-1/copied")), runner.resumeFiles());

    var second = runner.run();

    assertEquals(List.of("2:copied"), stage.seen);
    assertEquals(Optional.of(Progress.bytes(4, -1)), stage.previous.get());
    assertEquals(runner.stageDir().resolve("attempt-2"), runner.outputDir());
    assertEquals("0123456789", second.text("out.bin"));
    assertEquals(List.of(), runner.resumeFiles()); // success removed them
    try (var left = Files.list(runner.stageDir())) {
      assertEquals(List.of("attempt-2"), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aCancelArrivesOnTheNextHeartbeatAndLeavesNoOutput() throws Exception {
    StageTestRunner runner =
        StageTestRunner.of(new Copier(false), tmp)
            .input("a.txt", "0123456789")
            .cancelAfterHeartbeats(1);

    StageCancelledException cancelled = runner.runExpectingFailure(StageCancelledException.class);

    assertTrue(cancelled.getMessage().contains("cancelled"), cancelled.getMessage());
    assertFalse(Files.exists(runner.outputDir()));
  }

  @Test
  void aStageThatSleepsPastTheHeartbeatTimeoutIsReported() {
    StageTestRunner runner =
        StageTestRunner.of(new Copier(false), tmp)
            .input("a.txt", "0123")
            .option("sleepMs", 300)
            .heartbeatTimeout(Duration.ofMillis(20));

    AssertionError error = assertThrows(AssertionError.class, runner::run);

    assertTrue(error.getMessage().contains("without a heartbeat"), error.getMessage());
    assertTrue(error.getMessage().contains("heartbeat timeout is 20 ms"), error.getMessage());
  }

  @Test
  void aStageThatHeartbeatsOftenEnoughIsNotReported() throws Exception {
    FakeClock clock = new FakeClock();
    Stage ticking =
        new Copier(false) {
          @Override
          public StageResult run(StageInput input, StageContext context) {
            for (int i = 0; i < 100; i++) {
              clock.advance(Duration.ofSeconds(5)); // 500 s in all, never 10 s without a beat
              context.heartbeat(Progress.rows(i));
            }
            return StageResult.of(List.of(), StageMetrics.bytes(0, 0));
          }
        };
    var out =
        StageTestRunner.of(ticking, tmp).heartbeatTimeout(Duration.ofSeconds(10), clock).run();
    assertEquals(100, out.heartbeats().size());

    Stage silent =
        new Copier(false) {
          @Override
          public StageResult run(StageInput input, StageContext context) {
            context.heartbeat(Progress.rows(0));
            clock.advance(Duration.ofSeconds(11));
            context.heartbeat(Progress.rows(1)); // too late: the attempt timed out
            return StageResult.of(List.of(), StageMetrics.bytes(0, 0));
          }
        };
    AssertionError error =
        assertThrows(
            AssertionError.class,
            () ->
                StageTestRunner.of(silent, tmp.resolve("2"))
                    .heartbeatTimeout(Duration.ofSeconds(10), clock)
                    .run());
    assertTrue(
        error.getMessage().contains("went 11000 ms without a heartbeat"), error.getMessage());
    assertTrue(error.getCause() instanceof StageCancelledException);
  }

  @Test
  void workerSettingsAreReadTypedAndCheckedAgainstTheDeclarations() throws Exception {
    var out =
        StageTestRunner.of(new Copier(false), tmp)
            .input("a.txt", "0123456789")
            .workerSetting("chunkBytes", "1k")
            .run();
    assertEquals(List.of(Progress.bytes(10, -1)), out.heartbeats()); // one chunk

    InvalidWorkerSettingsException unknown =
        assertThrows(
            InvalidWorkerSettingsException.class,
            () ->
                StageTestRunner.of(new Copier(false), tmp.resolve("2"))
                    .workerSetting("chunkSize", "1k")
                    .run());
    assertTrue(unknown.getMessage().contains("unknown worker setting 'chunkSize'"));
    assertThrows(
        InvalidWorkerSettingsException.class,
        () ->
            StageTestRunner.of(new Copier(false), tmp.resolve("3"))
                .workerSetting("chunkBytes", "lots")
                .run());
  }

  /** A clock the stage under test advances. */
  static final class FakeClock implements InstantSource {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
