package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code file:} URLs may read: FileContainment as the download stage applies it. */
class DownloadContainmentTest {
  @TempDir Path tmp;

  @BeforeEach
  void realTmp() throws Exception {
    tmp = tmp.toRealPath();
  }

  private StageTestRunner download(String url) {
    return StageTestRunner.of(new DownloadStage(), tmp).option("url", url);
  }

  @Test
  void procSelfEnvironIsRefusedEvenWithNoRootsSet() throws Exception {
    var error = download("file:///proc/self/environ").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("file /proc/self/environ")
        .hasMessageContaining("is under /proc, which is always refused");
  }

  @Test
  void aLinkToProcIsRefusedEvenWithNoRootsSet() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("data.csv"), Path.of("/proc/self/environ"));
    var error = download(link.toUri().toString()).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("resolves through a symbolic link to /proc/")
        .hasMessageContaining("which is always refused");
  }

  @Test
  void filesInTheWorkersWorkRootOrPluginsDirAreRefused() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work/other-session"));
    Path secret = Files.writeString(work.resolve("secret.csv"), "a,b\n");
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path jar = Files.writeString(plugins.resolve("p.jar"), "PK");
    for (Path file : new Path[] {secret, jar}) {
      var error =
          download(file.toUri().toString())
              .workerOwnedPaths(tmp.resolve("work"), plugins)
              .runExpectingBadInput();
      assertThat(error)
          .hasMessageContaining("file " + file)
          .hasMessageContaining("a directory of the worker itself")
          .hasMessageContaining("always refused");
    }
  }

  @Test
  void aLinkInsideTheRootToAFileOutsideIsRefusedNamingWhereItLeads() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("in"));
    Path secret = Files.writeString(tmp.resolve("secret.csv"), "key=1\n");
    Path link = Files.createSymbolicLink(root.resolve("data.csv"), secret);
    var error =
        download(link.toUri().toString())
            .workerSetting("allowedFileRoots", root.toString())
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("file " + link)
        .hasMessageContaining(
            "resolves through a symbolic link to "
                + secret
                + ", outside allowedFileRoots ["
                + root
                + "]");
  }

  @Test
  void aLinkInsideTheRootToAFileInsideIsRead() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(root.resolve("real.csv"), "a\n");
    Path link = Files.createSymbolicLink(root.resolve("data.csv"), root.resolve("real.csv"));
    var run =
        download(link.toUri().toString()).workerSetting("allowedFileRoots", root.toString()).run();
    assertThat(run.file("data.csv")).hasContent("a\n");
  }
}
