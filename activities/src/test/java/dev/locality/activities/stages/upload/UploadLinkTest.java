package dev.locality.activities.stages.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locality.activities.stages.TestFiles;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload's {@code link} option: a {@code file:} target on the worker's file system is the worker's
 * file under a second name (same inode, no copy), with the same atomic and exclusive commits as a
 * copy; anything that cannot be linked is copied.
 */
class UploadLinkTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  private StageTestRunner upload(Path root, String to) {
    return StageTestRunner.of(new UploadStage(CLOCK), root).option("to", to);
  }

  private Path out() throws IOException {
    return Files.createDirectories(tmp.resolve("out"));
  }

  private static Object inode(Path p) throws IOException {
    return Files.readAttributes(
            p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  private static int links(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aTargetOnTheSameFileSystemIsTheWorkersFileUnderASecondName() throws Exception {
    Path out = out();
    var runner = upload(tmp, out.toUri() + "{file}");
    Path source = runner.newInput("a.csv");
    Files.writeString(source, "id,name\n1,Zoë\n");
    var run = runner.run();
    Path target = out.resolve("a.csv");
    assertThat(target).hasContent("id,name\n1,Zoë\n");
    assertThat(inode(target)).isEqualTo(inode(source));
    assertThat(links(source)).isEqualTo(2);
    assertThat(TestFiles.filesIn(out)).containsExactly(target); // no temporary name left
    assertThat(run.metrics().bytesOut()).isEqualTo(Files.size(source));
  }

  @Test
  void linkFalseCopies() throws Exception {
    Path out = out();
    var runner = upload(tmp, out.toUri() + "{file}").option("link", false);
    Path source = runner.newInput("a.csv");
    Files.writeString(source, "x\n");
    runner.run();
    Path target = out.resolve("a.csv");
    assertThat(target).hasContent("x\n");
    assertThat(inode(target)).isNotEqualTo(inode(source));
    assertThat(links(source)).isEqualTo(1);
  }

  @Test
  void aRetriedLinkedUploadReplacesItselfAndLeavesNoTemporaryName() throws Exception {
    Path out = out();
    var runner = upload(tmp, out.toUri() + "{file}");
    Files.writeString(runner.newInput("a.csv"), "same\n");
    runner.run();
    runner.run(); // the rename of a second name of the same inode over the first does nothing
    assertThat(out.resolve("a.csv")).hasContent("same\n");
    assertThat(TestFiles.filesIn(out)).containsExactly(out.resolve("a.csv"));
  }

  @Test
  void aLinkedOverwriteReplacesOtherContentAtomically() throws Exception {
    Path out = out();
    Path target = out.resolve("a.csv");
    Files.writeString(target, "old\n");
    var runner = upload(tmp, out.toUri() + "{file}");
    Path source = runner.newInput("a.csv");
    Files.writeString(source, "new\n");
    runner.run();
    assertThat(target).hasContent("new\n");
    assertThat(inode(target)).isEqualTo(inode(source));
  }

  @Test
  void overwriteFalseWithLinkRefusesOtherContentAndKeepsTheTarget() throws Exception {
    Path out = out();
    Path target = out.resolve("a.csv");
    Files.writeString(target, "theirs\n");
    var runner = upload(tmp, out.toUri() + "{file}").option("overwrite", false);
    Path source = runner.newInput("a.csv");
    Files.writeString(source, "ours\n");
    var error = runner.runExpectingBadInput();
    assertThat(error).hasMessageContaining("exists").hasMessageContaining("overwrite");
    assertThat(target).hasContent("theirs\n");
    assertThat(links(source)).isEqualTo(1); // the temporary second name is gone
    assertThat(TestFiles.filesIn(out)).containsExactly(target);
  }

  @Test
  void overwriteFalseWithLinkAcceptsTheSameContentAlreadyThere() throws Exception {
    Path out = out();
    Path target = out.resolve("a.csv");
    Files.writeString(target, "same\n");
    var runner = upload(tmp, out.toUri() + "{file}").option("overwrite", false);
    Files.writeString(runner.newInput("a.csv"), "same\n");
    var run = runner.run();
    assertThat(run.result().outputUris()).containsExactly(target.toUri().toString());
    assertThat(target).hasContent("same\n");
    assertThat(TestFiles.filesIn(out)).containsExactly(target);
  }

  @Test
  void aSymbolicLinkInTheSessionPublishesItsFileNeverTheLink() throws Exception {
    Path out = out();
    var runner = upload(tmp, out.toUri() + "{file}");
    Path real = runner.sessionDir().resolve("inputs/real.csv");
    Path source = runner.newInput("a.csv");
    Files.writeString(real, "pointed at\n");
    Files.createSymbolicLink(source, real);
    runner.run();
    Path target = out.resolve("a.csv");
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(target).hasContent("pointed at\n");
  }

  @Test
  void aSourceOnAnotherFileSystemIsCopied() throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm");
    assumeTrue(
        !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "/dev/shm is not another fs");
    Path session = Files.createTempDirectory(shm, "upload-link-test");
    try {
      Path out = out();
      var runner = upload(session, out.toUri() + "{file}");
      Path source = runner.newInput("a.csv");
      Files.writeString(source, "across\n");
      runner.run();
      assertThat(out.resolve("a.csv")).hasContent("across\n");
      assertThat(links(source)).isEqualTo(1);
      assertThat(TestFiles.filesIn(out)).containsExactly(out.resolve("a.csv"));
    } finally {
      try (Stream<Path> all = Files.walk(session)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
