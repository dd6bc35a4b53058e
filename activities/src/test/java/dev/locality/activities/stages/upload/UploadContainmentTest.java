package dev.locality.activities.stages.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.TestFiles;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageResult;
import dev.locality.stage.testkit.ForwardingStage;
import dev.locality.stage.testkit.ForwardingStageContext;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What uploads to {@code file:} targets may write, and overwrite: false between two writers. */
class UploadContainmentTest {
  @TempDir Path tmp;

  @BeforeEach
  void realTmp() throws Exception {
    tmp = tmp.toRealPath();
  }

  private StageTestRunner upload(Path runnerDir, String to) {
    return StageTestRunner.of(new UploadStage(), runnerDir).option("to", to);
  }

  private StageTestRunner upload(String to) {
    return upload(tmp.resolve("runner"), to);
  }

  @Test
  void targetsInTheWorkRootOrPluginsDirAreRefusedAndNothingIsWritten() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    for (Path dir : new Path[] {work.resolve("other-session/1-upload"), plugins}) {
      var error =
          upload("file://" + dir + "/{file}")
              .workerOwnedPaths(work, plugins)
              .input("evil.jar", "PK")
              .runExpectingBadInput();
      assertThat(error)
          .hasMessageContaining("upload target " + dir.resolve("evil.jar"))
          .hasMessageContaining("a directory of the worker itself")
          .hasMessageContaining("always refused");
    }
    assertThat(TestFiles.filesIn(work)).isEmpty();
    assertThat(TestFiles.filesIn(plugins)).isEmpty();
  }

  @Test
  void aTargetUnderProcIsRefusedWithNoRootsSet() throws Exception {
    var error = upload("file:///proc/self/{file}").input("x", "1").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("upload target /proc/self/x is under /proc, which is always refused");
  }

  @Test
  void aTargetOutsideAllowedUploadRootsIsRefused() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path keys = tmp.resolve("home/.ssh/authorized_keys");
    var error =
        upload(keys.toUri().toString())
            .workerSetting("allowedUploadRoots", data.toString())
            .input("key.pub", "ssh-ed25519 AAAA attacker")
            .runExpectingBadInput();
    assertThat(error)
        .hasMessage("upload target " + keys + " is outside allowedUploadRoots [" + data + "]");
    assertThat(tmp.resolve("home")).doesNotExist();
  }

  @Test
  void aLinkInsideTheRootThatLeadsOutIsRefusedAndNothingIsWrittenThere() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path etc = Files.createDirectories(tmp.resolve("etc"));
    Files.createSymbolicLink(data.resolve("out"), etc);
    var error =
        upload(data.toUri() + "out/{file}")
            .workerSetting("allowedUploadRoots", data.toString())
            .input("passwd", "root::0:0::/:/bin/sh")
            .runExpectingBadInput();
    assertThat(error)
        .hasMessage(
            "upload target "
                + data.resolve("out/passwd")
                + " resolves through a symbolic link to "
                + etc.resolve("passwd")
                + ", outside allowedUploadRoots ["
                + data
                + "]");
    assertThat(etc).isEmptyDirectory();
  }

  @Test
  void aTargetFileThatIsALinkLeavingTheRootIsNeitherReadNorReplaced() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path secret = Files.writeString(tmp.resolve("secret"), "s3cr3t");
    Files.createSymbolicLink(data.resolve("x.csv"), secret);
    var error =
        upload(data.toUri() + "x.csv")
            .workerSetting("allowedUploadRoots", data.toString())
            .option("overwrite", false)
            .input("a.csv", "s3cr3t")
            .runExpectingBadInput();
    assertThat(error).hasMessageContaining("resolves through a symbolic link to " + secret);
    assertThat(secret).hasContent("s3cr3t");
  }

  @Test
  void twoConcurrentWritersWithOverwriteFalseExactlyOneWins() throws Exception {
    Path target = tmp.resolve("out/x.csv");
    String[] contents = {"A".repeat(1000), "B".repeat(1000)};
    Phaser lockstep = new Phaser(2); // both writers heartbeat in step: both check, then both commit
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Throwable>> results = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        StageTestRunner runner =
            StageTestRunner.of(new LockstepStage(new UploadStage(), lockstep), tmp.resolve("w" + i))
                .option("to", target.toUri().toString())
                .option("overwrite", false)
                .input("x.csv", contents[i]);
        results.add(
            pool.submit(
                () -> {
                  try {
                    runner.run();
                    return null;
                  } catch (Throwable t) {
                    return t;
                  }
                }));
      }
      List<Throwable> failures = new ArrayList<>();
      for (Future<Throwable> r : results) {
        Throwable t = r.get(60, TimeUnit.SECONDS);
        if (t != null) failures.add(t);
      }
      assertThat(failures)
          .singleElement()
          .isInstanceOf(BadInputException.class)
          .satisfies(
              t ->
                  assertThat(t)
                      .hasMessageContaining("target " + target.toUri())
                      .hasMessageContaining("exists and option 'overwrite' is false"));
      int winner = results.get(0).get() == null ? 0 : 1;
      assertThat(target).hasContent(contents[winner]);
      assertThat(TestFiles.filesIn(target.getParent())).containsExactly(target); // no temp left
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs a stage whose every heartbeat waits for the other parties of {@code phaser} to heartbeat
   * too, so concurrent attempts pass their checks and reach their commits together. A finished
   * attempt leaves the phaser.
   */
  static final class LockstepStage extends ForwardingStage {
    private final Phaser phaser;

    LockstepStage(Stage stage, Phaser phaser) {
      super(stage);
      this.phaser = phaser;
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      try {
        return super.run(input, context);
      } finally {
        phaser.arriveAndDeregister();
      }
    }

    @Override
    protected StageContext context(StageContext context) {
      return new ForwardingStageContext(context) {
        @Override
        public void heartbeat(Progress progress) {
          try {
            phaser.awaitAdvanceInterruptibly(phaser.arrive(), 30, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("the other writer did not heartbeat", e);
          }
          super.heartbeat(progress);
        }
      };
    }
  }
}
