package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageContextImplTest {
  @TempDir Path sessionDir;
  @TempDir Path elsewhere;

  private StageContextImpl context() {
    return new StageContextImpl(
        sessionDir,
        sessionDir.resolve("1-x"),
        new PipelineInfo("p", "wf", "run"),
        1,
        new StageHeartbeat() {
          @Override
          public void heartbeat(Progress progress) {}

          @Override
          public Optional<Progress> previous() {
            return Optional.empty();
          }
        },
        dev.locality.stage.runtime.WorkerSettingValues.unchecked(Map.of()),
        "x");
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
}
