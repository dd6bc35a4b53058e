package dev.locality.stage.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptRunnerTest {
  @TempDir Path sessionDir;

  private final AttemptDirs attemptDirs = new AttemptDirs();

  /** Writes out.txt and a resume file, records what it was given, then fails as told. */
  static class Writer implements Stage {
    final List<Artifact> seen = new ArrayList<>();
    Exception failure;

    @Override
    public String type() {
      return "writer";
    }

    @Override
    public String description() {
      return "Writes.";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of();
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      seen.addAll(input.artifacts());
      Path out = context.outputDir().resolve("out.txt");
      try (OutputStream o = context.createOutput(out)) {
        o.write('x');
      }
      Files.writeString(Files.createDirectories(context.resumeDir()).resolve("part"), "p");
      if (failure != null) throw failure;
      return StageResult.of(List.of(context.artifact(out, -1)), StageMetrics.bytes(0, 1));
    }
  }

  private StageResult attempt(Stage stage, int n, List<Artifact> inputs) throws Exception {
    try (AttemptDirs.Attempt dirs = attemptDirs.start(sessionDir.resolve("1-writer"), n)) {
      AttemptContext context =
          new AttemptContext(
              sessionDir,
              dirs,
              new PipelineInfo("p", "wf", "run"),
              n,
              new HeartbeatChannel() {
                @Override
                public void heartbeat(Progress progress) {}

                @Override
                public Optional<Progress> previous() {
                  return Optional.empty();
                }
              },
              WorkerSettingValues.unchecked(Map.of()),
              List.of(),
              dev.locality.stage.Leftovers.inMemory(),
              stage.type());
      return AttemptRunner.run(
          stage, new StageInput(inputs, new StageConfig(Map.of())), context, dirs);
    }
  }

  @Test
  void theStageGetsWhatItConsumesAndTheRestPassesThroughAfterItsOutputsInOrder() throws Exception {
    Artifact data = new Artifact("in/a.csv", 1, null, -1);
    Artifact rejects1 = new Artifact("in/r1.csv", 1, null, 1, Artifact.REJECTS);
    Artifact rejects2 = new Artifact("in/r2.csv", 1, null, 1, Artifact.REJECTS);
    Writer stage = new Writer();

    StageResult result = attempt(stage, 1, List.of(rejects1, data, rejects2));

    assertThat(stage.seen).containsExactly(data);
    assertThat(result.outputs()).hasSize(3);
    assertThat(result.outputs().get(0).path()).isEqualTo("1-writer/attempt-1/out.txt");
    assertThat(result.outputs().subList(1, 3)).containsExactly(rejects1, rejects2);
  }

  @Test
  void aFailedAttemptLeavesNoOutputAndKeepsResumeFilesOnlyWhenTransient() throws Exception {
    Writer stage = new Writer();
    stage.failure = new IOException("reset");
    assertThatThrownBy(() -> attempt(stage, 1, List.of())).hasMessage("reset");
    assertThat(sessionDir.resolve("1-writer/attempt-1")).doesNotExist();
    assertThat(sessionDir.resolve("1-writer/resume-1/part")).exists();

    stage.failure = new BadInputException("broken");
    assertThatThrownBy(() -> attempt(stage, 2, List.of())).hasMessage("broken");
    assertThat(sessionDir.resolve("1-writer/attempt-2")).doesNotExist();
    assertThat(sessionDir.resolve("1-writer/resume-2")).doesNotExist(); // taken over, then gone
  }

  @Test
  void aStageReturningNoResultFailsAndLeavesNothing() {
    Stage nothing =
        new Writer() {
          @Override
          public StageResult run(StageInput input, StageContext context) throws Exception {
            super.run(input, context);
            return null;
          }
        };
    assertThatThrownBy(() -> attempt(nothing, 1, List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned no result");
    assertThat(sessionDir.resolve("1-writer/attempt-1")).doesNotExist();
  }
}
