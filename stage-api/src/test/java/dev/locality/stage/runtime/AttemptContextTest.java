package dev.locality.stage.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.StageCancelledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptContextTest {
  @TempDir Path sessionDir;
  @TempDir Path elsewhere;

  private final List<Progress> sent = new ArrayList<>();
  private final AtomicLong now = new AtomicLong();

  private AttemptContext context() {
    return context(
        new HeartbeatChannel() {
          @Override
          public void heartbeat(Progress progress) {
            sent.add(progress);
          }

          @Override
          public Optional<Progress> previous() {
            return Optional.empty();
          }
        });
  }

  private AttemptContext context(HeartbeatChannel channel) {
    return new AttemptContext(
        sessionDir,
        sessionDir.resolve("1-x"),
        sessionDir.resolve("1-x.resume"),
        new PipelineInfo("p", "wf", "run"),
        1,
        channel,
        WorkerSettingValues.unchecked(Map.of()),
        List.of(Path.of("/srv/work/../plugins")),
        dev.locality.stage.Leftovers.inMemory(),
        "x",
        now::get);
  }

  @Test
  void workerOwnedPathsAreHandedToTheStageAbsoluteAndNormalized() {
    assertThat(context(null).workerOwnedPaths()).containsExactly(Path.of("/srv/plugins"));
  }

  @Test
  void resolvesArtifactsInsideTheSessionDirectory() {
    assertThat(context().resolve(new Artifact("0-download/a.csv", 1, null, -1)))
        .isEqualTo(sessionDir.toAbsolutePath().resolve("0-download/a.csv"));
  }

  @Test
  void rejectsArtifactPathsThatLeaveTheSessionDirectory() throws Exception {
    Path link = Files.createSymbolicLink(sessionDir.resolve("link"), elsewhere);
    Files.writeString(elsewhere.resolve("secret"), "s");
    for (String path : new String[] {"../x", "/etc/passwd", "a/../../x", "link/secret", "."}) {
      assertThatThrownBy(() -> context().resolve(new Artifact(path, 1, null, -1)))
          .as(path)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("outside the session directory");
    }
    assertThat(link).exists();
  }

  @Test
  void describesAFileWithSizeAndSha256() throws Exception {
    Path file = Files.createDirectories(sessionDir.resolve("1-x")).resolve("empty.bin");
    Files.write(file, new byte[0]);

    Artifact artifact = context().artifact(file, -1);

    assertThat(artifact)
        .isEqualTo(
            new Artifact(
                "1-x/empty.bin",
                0,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                -1));
    assertThatThrownBy(() -> context().artifact(elsewhere.resolve("secret"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void progressHeartbeatsFirstThenEveryIntervalAndOnCompletion() {
    AttemptContext context = context();
    long ms = 1_000_000L;
    context.progress(0, 100); // first: sent
    now.addAndGet(10 * ms);
    context.progress(10, 100); // 10 ms later: held back
    now.addAndGet(240 * ms);
    context.progress(20, 100); // 250 ms after the last heartbeat: sent
    now.addAndGet(1 * ms);
    context.progress(30, 100); // held back
    context.progress(100, 100); // complete: sent at once
    context.heartbeat(Progress.bytes(100, 100)); // heartbeat: always sent
    now.addAndGet(1 * ms);
    context.progressRows(5); // held back: the interval is per attempt, whatever the unit

    assertThat(sent)
        .containsExactly(
            Progress.bytes(0, 100),
            Progress.bytes(20, 100),
            Progress.bytes(100, 100),
            Progress.bytes(100, 100));
  }

  @Test
  void aCancellationReachesTheStageThroughProgress() {
    AttemptContext context =
        context(
            new HeartbeatChannel() {
              @Override
              public void heartbeat(Progress progress) {
                throw new StageCancelledException("cancelled");
              }

              @Override
              public Optional<Progress> previous() {
                return Optional.empty();
              }
            });
    assertThatThrownBy(() -> context.progressRows(1)).isInstanceOf(StageCancelledException.class);
  }
}
