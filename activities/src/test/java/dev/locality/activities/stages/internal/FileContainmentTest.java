package dev.locality.activities.stages.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileContainmentTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;

  @BeforeEach
  void dirs() throws IOException {
    tmp = tmp.toRealPath();
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  private static FileContainment unrestricted(Path... workerOwned) {
    return new FileContainment(
        AllowedFileRoots.of(List.of()), "allowedFileRoots", List.of(workerOwned));
  }

  private FileContainment rooted() {
    return new FileContainment(
        AllowedFileRoots.of(List.of(root.toString())), "allowedUploadRoots", List.of());
  }

  @Test
  void procSysAndDevAreRefusedWithNoRootsSet() {
    assertThatThrownBy(
            () -> unrestricted().openRead(Path.of("/proc/self/environ"), "file /proc/self/environ"))
        .isInstanceOf(BadInputException.class)
        .hasMessage("file /proc/self/environ is under /proc, which is always refused");
    assertThatThrownBy(() -> unrestricted().check(Path.of("/sys/kernel/notes"), "f"))
        .hasMessage("f is under /sys, which is always refused");
    assertThatThrownBy(() -> unrestricted().check(Path.of("/dev/../dev/zero"), "f"))
        .hasMessage("f is under /dev, which is always refused");
  }

  @Test
  void aLinkToProcIsRefusedAfterResolution() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("env"), Path.of("/proc/self/environ"));
    assertThatThrownBy(() -> unrestricted().check(link, "file " + link))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("file " + link + " resolves through a symbolic link to /proc/")
        .hasMessageEndingWith("under /proc, which is always refused");
  }

  @Test
  void theWorkersOwnDirectoriesAreRefusedAlsoThroughALink() throws IOException {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path plugins = tmp.resolve("plugins"); // need not exist
    Path link = Files.createSymbolicLink(root.resolve("w"), work);
    FileContainment files = unrestricted(work, plugins);
    assertThatThrownBy(() -> files.check(work.resolve("s-1/x.csv"), "f"))
        .hasMessageContaining("f is inside " + work + ", a directory of the worker itself");
    assertThatThrownBy(() -> files.check(plugins.resolve("evil.jar"), "f"))
        .hasMessageContaining("inside " + plugins);
    assertThatThrownBy(() -> files.check(link.resolve("x.csv"), "f"))
        .hasMessageContaining("f resolves through a symbolic link to " + work.resolve("x.csv"))
        .hasMessageContaining("which is always refused");
  }

  @Test
  void aLinkInsideTheRootThatLeavesItIsRefused() throws IOException {
    Files.createSymbolicLink(root.resolve("out"), outside);
    assertThatThrownBy(() -> rooted().check(root.resolve("out/a.csv"), "upload target x"))
        .isInstanceOf(BadInputException.class)
        .hasMessage(
            "upload target x resolves through a symbolic link to "
                + outside.resolve("a.csv")
                + ", outside allowedUploadRoots ["
                + root
                + "]");
    assertThat(rooted().check(root.resolve("in/../a.csv"), "f")).isEqualTo(root.resolve("a.csv"));
  }

  @Test
  void aDirectoryReplacedByALinkAfterTheCheckIsRefusedWhenOpened() throws IOException {
    Files.writeString(Files.createDirectories(root.resolve("dir")).resolve("f"), "checked");
    Files.writeString(outside.resolve("f"), "secret");
    FileContainment files = rooted();
    Path real = files.check(root.resolve("dir/f"), "file f");

    Files.move(root.resolve("dir"), root.resolve("moved")); // the swap, after the check
    Files.createSymbolicLink(root.resolve("dir"), outside);

    assertThatThrownBy(() -> files.openChecked(real, "file f"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("file f changed after it was checked: " + real);
  }

  @Test
  void aFileReplacedByALinkAfterTheCheckIsRefusedWhenOpened() throws IOException {
    Files.writeString(root.resolve("f"), "checked");
    Files.writeString(outside.resolve("f"), "secret");
    FileContainment files = unrestricted();
    Path real = files.check(root.resolve("f"), "file f");

    Files.delete(root.resolve("f"));
    Files.createSymbolicLink(root.resolve("f"), outside.resolve("f"));

    assertThatThrownBy(() -> files.openChecked(real, "file f"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("changed after it was checked");
  }

  @Test
  void anOpenedDirectoryKeepsWritingWhereItWasCheckedWhenItsPathIsSwapped() throws IOException {
    assumeTrue(secureDirectoryStreams(), "no SecureDirectoryStream on this platform");
    try (ContainedDirectory dir = rooted().openDirectory(root.resolve("out/day"), "target dir")) {
      Files.move(root.resolve("out"), root.resolve("moved"));
      Files.createSymbolicLink(root.resolve("out"), outside); // out/day now leads outside
      Files.createDirectories(outside.resolve("day"));
      try (FileChannel channel = dir.createFile("t")) {
        channel.write(ByteBuffer.wrap("data".getBytes(StandardCharsets.UTF_8)));
      }
      dir.replace("t", "x.csv");
      assertThat(root.resolve("moved/day/x.csv")).hasContent("data");
      assertThat(outside.resolve("day")).isEmptyDirectory();
      assertThatThrownBy(() -> dir.link("x.csv", "y.csv")) // by path: re-verified first
          .isInstanceOf(NoFollowFiles.ChangedWhileOpenedException.class);
      assertThat(outside.resolve("day")).isEmptyDirectory();
    }
  }

  @Test
  void aTargetDirectoryThatResolvesOutOfTheRootsIsNeitherCreatedNorOpened() throws IOException {
    Files.createSymbolicLink(root.resolve("out"), outside);
    assertThatThrownBy(() -> rooted().openDirectory(root.resolve("out/new/deeper"), "dir"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("outside allowedUploadRoots");
    assertThat(outside).isEmptyDirectory();
  }

  private boolean secureDirectoryStreams() throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(tmp)) {
      return stream instanceof SecureDirectoryStream;
    }
  }
}
