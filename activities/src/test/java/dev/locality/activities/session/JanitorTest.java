package dev.locality.activities.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JanitorTest {
  @TempDir Path root;
  @TempDir Path scratch;

  /** An incarnation directory left by a crashed process: lock file present, nobody holds it. */
  private Path deadIncarnation(String name) throws Exception {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.writeString(dir.resolve(WorkRoot.MARKER_FILE), "marker\n");
    Files.writeString(dir.resolve(WorkRoot.LOCK_FILE), "123\n");
    Files.writeString(Files.createDirectories(dir.resolve("s-1")).resolve("data.csv"), "a,b\n");
    return dir;
  }

  @Test
  void deletesDeadIncarnationsButNeverItsOwn() throws Exception {
    Path dead = deadIncarnation("inc-dead");
    try (WorkRoot own = WorkRoot.open(root)) {
      own.sessionDir("mine");
      Janitor janitor = new Janitor(own, Duration.ofMinutes(1));

      assertThat(janitor.sweep()).containsExactly(dead);

      assertThat(dead).doesNotExist();
      assertThat(own.sessionPath("mine")).isDirectory();
      assertThat(janitor.sweep()).isEmpty();
    }
  }

  @Test
  void keepsAnIncarnationLockedInThisJvm() throws Exception {
    // Java file locks belong to the JVM: a second tryLock here throws
    // OverlappingFileLockException, which the janitor must read as "held".
    try (WorkRoot own = WorkRoot.open(root);
        WorkRoot other = WorkRoot.open(root)) {
      other.sessionDir("busy");

      assertThat(new Janitor(own, Duration.ofMinutes(1)).sweep()).isEmpty();

      assertThat(other.sessionPath("busy")).isDirectory();
      assertThat(other.isLocked()).isTrue();
    }
  }

  @Test
  void keepsAnIncarnationLockedByAnotherProcessUntilItDies() throws Exception {
    Path held = deadIncarnation("inc-held");
    Process holder = startLockHolder(held.resolve(WorkRoot.LOCK_FILE));
    try (WorkRoot own = WorkRoot.open(root)) {
      Janitor janitor = new Janitor(own, Duration.ofMinutes(1));

      assertThat(janitor.sweep()).isEmpty();
      assertThat(held.resolve("s-1/data.csv")).exists();

      holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertThat(janitor.sweep()).containsExactly(held);
      assertThat(held).doesNotExist();
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Starts a JVM that locks {@code lockFile} and returns once the lock is held. */
  private Process startLockHolder(Path lockFile) throws Exception {
    Path source = scratch.resolve("LockHolder.java");
    Files.writeString(
        source,
        """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        public class LockHolder {
          public static void main(String[] args) throws Exception {
            FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
            if (ch.tryLock() == null) System.exit(3);
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(600_000);
          }
        }
        """);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(java, source.toString(), lockFile.toString())
            .redirectErrorStream(true)
            .start();
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo("locked");
    return process;
  }

  @Test
  void deletesAnIncarnationWithoutLockFileOnlyOnceItsMarkerIsOld() throws Exception {
    Path fresh = Files.createDirectories(root.resolve("inc-starting"));
    Files.writeString(fresh.resolve(WorkRoot.MARKER_FILE), "m\n");
    Path stale = Files.createDirectories(root.resolve("inc-stale"));
    Files.writeString(stale.resolve(WorkRoot.MARKER_FILE), "m\n");
    Files.setLastModifiedTime(
        stale.resolve(WorkRoot.MARKER_FILE),
        FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    try (WorkRoot own = WorkRoot.open(root)) {
      assertThat(new Janitor(own, Duration.ofMinutes(1)).sweep()).containsExactly(stale);
      assertThat(fresh).isDirectory();
    }
  }

  @Test
  void leavesEverythingLocalityDidNotCreateHoweverOld() throws Exception {
    FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
    Path userData = Files.createDirectories(root.resolve("sales-2026"));
    Files.writeString(userData.resolve("q4.csv"), "a,b\n");
    Path lookalike = Files.createDirectories(root.resolve("inc-0123456789ab")); // no marker
    Files.writeString(lookalike.resolve(WorkRoot.LOCK_FILE), "1\n"); // nobody holds it
    Path markedButMisnamed = Files.createDirectories(root.resolve("backup"));
    Files.writeString(markedButMisnamed.resolve(WorkRoot.MARKER_FILE), "m\n");
    Path looseFile = Files.writeString(root.resolve("notes.txt"), "keep me\n");
    Path linked = Files.createDirectories(scratch.resolve("elsewhere"));
    Files.writeString(linked.resolve(WorkRoot.MARKER_FILE), "m\n");
    Path link = Files.createSymbolicLink(root.resolve("inc-linked"), linked);
    for (Path p : List.of(userData, lookalike, markedButMisnamed, looseFile))
      Files.setLastModifiedTime(p, longAgo);

    try (WorkRoot own = WorkRoot.open(root)) {
      Janitor janitor = new Janitor(own, Duration.ofMinutes(1));
      assertThat(janitor.sweep()).isEmpty();
      assertThat(janitor.sweep()).isEmpty();
    }

    assertThat(userData.resolve("q4.csv")).hasContent("a,b");
    assertThat(lookalike.resolve(WorkRoot.LOCK_FILE)).exists();
    assertThat(markedButMisnamed.resolve(WorkRoot.MARKER_FILE)).exists();
    assertThat(looseFile).hasContent("keep me");
    assertThat(link).isSymbolicLink();
    assertThat(linked.resolve(WorkRoot.MARKER_FILE)).exists();
  }

  @Test
  void keepAliveNeverLetsGoOfTheLockThatOtherProcessesSee() throws Exception {
    try (WorkRoot live = WorkRoot.open(root)) {
      Path lockFile = live.incarnationDir().resolve(WorkRoot.LOCK_FILE);
      live.keepAlive();
      live.keepAlive();
      // another process (as another worker's janitor) must still find the lock held
      assertThat(probeLock(lockFile)).isEqualTo("held");
      assertThat(live.isLocked()).isTrue();
    }
  }

  /** Asks a separate JVM whether it can lock {@code lockFile}: "free" or "held". */
  private String probeLock(Path lockFile) throws Exception {
    Path source = scratch.resolve("LockProbe.java");
    Files.writeString(
        source,
        """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        public class LockProbe {
          public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
              System.out.println(ch.tryLock() == null ? "held" : "free");
            }
          }
        }
        """);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(java, source.toString(), lockFile.toString())
            .redirectErrorStream(true)
            .start();
    String answer =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return answer;
  }

  @Test
  void aLiveIncarnationSurvivesATmpCleanerThatDeletedItsLockFile() throws Exception {
    try (WorkRoot live = WorkRoot.open(root);
        WorkRoot other = WorkRoot.open(root)) {
      live.sessionDir("busy");
      Path lockFile = live.incarnationDir().resolve(WorkRoot.LOCK_FILE);
      Path marker = live.incarnationDir().resolve(WorkRoot.MARKER_FILE);
      FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
      Files.setLastModifiedTime(marker, longAgo);
      Files.delete(lockFile); // what an age-based tmp cleaner does

      new Janitor(live, Duration.ofMinutes(1)).sweep(); // the owner's own sweep comes first

      assertThat(lockFile).exists();
      assertThat(Files.getLastModifiedTime(marker).toInstant())
          .isAfter(Instant.now().minus(Duration.ofMinutes(1)));
      assertThat(live.isLocked()).isTrue();
      assertThat(new Janitor(other, Duration.ofMinutes(1)).sweep()).isEmpty();
      assertThat(live.sessionPath("busy")).isDirectory();
    }
  }

  @Test
  void sweepsAtStartAndPeriodically() throws Exception {
    Path first = deadIncarnation("inc-first");
    try (WorkRoot own = WorkRoot.open(root);
        Janitor janitor = new Janitor(own, Duration.ofMillis(100))) {
      janitor.start();
      assertThat(first).doesNotExist(); // the start-up sweep is synchronous

      Path later = deadIncarnation("inc-later");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.exists(later) && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(later).doesNotExist();
    }
  }
}
