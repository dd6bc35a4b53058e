package dev.locality.activities.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkRootTest {
  @TempDir Path root;

  @Test
  void opensALockedIncarnationDirectoryOfItsOwn() throws Exception {
    try (WorkRoot first = WorkRoot.open(root);
        WorkRoot second = WorkRoot.open(root)) {
      assertThat(first.incarnationDir()).isDirectory().hasParent(root);
      assertThat(first.incarnationDir().resolve(WorkRoot.LOCK_FILE)).isRegularFile();
      assertThat(first.incarnation()).isNotEqualTo(second.incarnation());
      assertThat(first.isLocked()).isTrue();
    }
  }

  @Test
  void createsAndDeletesSessionDirectories() throws Exception {
    try (WorkRoot workRoot = WorkRoot.open(root)) {
      Path dir = workRoot.sessionDir("s-1");
      Files.writeString(Files.createDirectories(dir.resolve("0-download")).resolve("a.csv"), "x");

      assertThat(dir).isEqualTo(workRoot.incarnationDir().resolve("s-1")).isDirectory();
      assertThat(workRoot.sessionDir("s-1")).isEqualTo(dir); // idempotent

      workRoot.deleteSessionDir("s-1");
      workRoot.deleteSessionDir("s-1"); // idempotent
      assertThat(dir).doesNotExist();
    }
  }

  @Test
  void sessionIdsCannotNameAPathOutsideTheIncarnation() throws Exception {
    try (WorkRoot workRoot = WorkRoot.open(root)) {
      for (String id : new String[] {"..", "../evil", "a/b", ".hidden", "", "x\\y"}) {
        Path dir = workRoot.sessionPath(id);
        assertThat(dir.getParent()).as(id).isEqualTo(workRoot.incarnationDir());
        assertThat(dir.getFileName().toString()).as(id).doesNotStartWith(".");
      }
      assertThat(WorkRoot.safeName("a/b")).isNotEqualTo(WorkRoot.safeName("a_b"));
      assertThat(WorkRoot.safeName("pipeline-1.s2")).isEqualTo("pipeline-1.s2");
    }
  }

  @Test
  void closeReleasesTheLockAndDeletesTheIncarnation() throws Exception {
    WorkRoot workRoot = WorkRoot.open(root);
    Path lockFile = workRoot.incarnationDir().resolve(WorkRoot.LOCK_FILE);
    workRoot.sessionDir("s-1");
    try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      workRoot.close();
      workRoot.close(); // idempotent
      FileLock lock = other.tryLock();
      assertThat(lock).isNotNull();
      lock.release();
    }
    assertThat(workRoot.isLocked()).isFalse();
    assertThat(workRoot.incarnationDir()).doesNotExist();
  }
}
