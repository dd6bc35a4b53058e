package dev.locality.activities.stages.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.TestFiles;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.testkit.ForwardingStage;
import dev.locality.stage.testkit.ForwardingStageContext;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadStageTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T23:30:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  private StageTestRunner upload(String to) {
    return StageTestRunner.of(new UploadStage(CLOCK), tmp)
        .option("to", to)
        .pipeline(new PipelineInfo("daily sales", "wf/7", "run-9"));
  }

  private String out(String rest) {
    return tmp.toUri() + "out/" + rest;
  }

  @Test
  void writesEveryFileThroughTheTemplate() throws Exception {
    var run =
        upload(out("{name}/{date}/{workflowId}-{runId}/{file}"))
            .input("a.csv", "a\n")
            .input("b.csv", "b\n")
            .run();
    Path dir = tmp.resolve("out/daily sales/2026-11-25/wf_7-run-9");
    assertThat(dir.resolve("a.csv")).hasContent("a\n");
    assertThat(dir.resolve("b.csv")).hasContent("b\n");
    assertThat(run.result().outputUris())
        .containsExactly(
            dir.resolve("a.csv").toUri().toString(), dir.resolve("b.csv").toUri().toString());
    assertThat(TestFiles.filesIn(dir)).hasSize(2); // no temporary files left
    assertThat(run.metrics().bytesOut()).isEqualTo(4);
  }

  @Test
  void replacesAnExistingTargetByDefault() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("out")).resolve("x.csv");
    Files.writeString(target, "old");
    upload(out("x.csv")).input("a.csv", "new").run();
    assertThat(target).hasContent("new");
  }

  @Test
  void overwriteFalseRefusesAnExistingTarget() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("out")).resolve("x.csv");
    Files.writeString(target, "old");
    var error =
        upload(out("x.csv"))
            .option("overwrite", false)
            .input("a.csv", "new")
            .runExpectingBadInput();
    assertThat(error).hasMessageContaining("exists").hasMessageContaining("overwrite");
    assertThat(target).hasContent("old");
  }

  @Test
  void overwriteFalseAcceptsTheSameContentFromARetriedAttempt() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("out")).resolve("x.csv");
    Files.writeString(target, "same");
    var run = upload(out("x.csv")).option("overwrite", false).input("a.csv", "same").run();
    assertThat(run.result().outputUris()).containsExactly(target.toUri().toString());
  }

  @Test
  void severalInputsNeedTheFilePlaceholder() throws Exception {
    var error =
        upload(out("all.csv")).input("a.csv", "a").input("b.csv", "b").runExpectingBadInput();
    assertThat(error).hasMessageContaining("{file}").hasMessageContaining("a.csv, b.csv");
  }

  @Test
  void aFailedRenameLeavesNoTemporaryFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    Files.createDirectories(dir.resolve("x.csv").resolve("occupied"));
    upload(out("x.csv")).input("a.csv", "a").runExpectingFailure(IOException.class);
    assertThat(TestFiles.filesIn(dir))
        .containsExactly(dir.resolve("x.csv"), dir.resolve("x.csv/occupied"));
  }

  @Test
  void aWorkerThatLostItsSessionBeforeTheRenameLeavesNoFile() throws Exception {
    var fenced = new SessionLosingStage(new UploadStage(CLOCK), p -> true);
    var thrown =
        StageTestRunner.of(fenced, tmp)
            .option("to", out("{file}"))
            .input("a.csv", "a\n")
            .runExpectingFailure(RuntimeException.class);
    assertThat(thrown).isSameAs(fenced.sessionLost());
    assertThat(TestFiles.filesIn(tmp.resolve("out"))).isEmpty(); // no target, no temp file
  }

  @Test
  void unsupportedSchemesAndUnknownPlaceholdersAreProblems() {
    assertThat(upload("s3://bucket/{file}").validate()).isEmpty();
    assertThat(upload("ftp://host/{file}").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("scheme 'ftp'"));
    assertThat(upload("file:///tmp/{nmae}").validate())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("to");
              assertThat(p.message()).contains("{nmae}");
            });
    assertThat(upload("out/{file}").validate()).hasSize(1);
  }

  /**
   * Runs a stage on a worker that loses its session during the attempt, as the worker's fencing
   * makes it look: the stage's first heartbeat succeeds; from the next one for which {@code lostAt}
   * holds on, every heartbeat throws {@link #sessionLost()}.
   */
  static final class SessionLosingStage extends ForwardingStage {
    private final Predicate<Progress> lostAt;
    private final RuntimeException sessionLost = new RuntimeException("session lost (fenced)");

    SessionLosingStage(Stage stage, Predicate<Progress> lostAt) {
      super(stage);
      this.lostAt = lostAt;
    }

    RuntimeException sessionLost() {
      return sessionLost;
    }

    @Override
    protected StageContext context(StageContext context) {
      return new ForwardingStageContext(context) {
        private int heartbeats;
        private boolean lost;

        @Override
        public void heartbeat(Progress progress) {
          heartbeats++;
          lost |= heartbeats > 1 && lostAt.test(progress);
          if (lost) throw sessionLost;
          super.heartbeat(progress);
        }
      };
    }
  }
}
