package dev.locality.activities.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.resume.ReattachMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker-side file handling of same-host resume: a dead process's session directory with an
 * unexpired re-attach marker survives the janitor (the rest of that incarnation does not), is taken
 * over by a new process with {@link WorkRoot#adopt}, and is deleted once its window has passed.
 */
class SameHostResumeFilesTest {
  @TempDir Path root;

  /** A dead incarnation (lock file nobody holds) holding session {@code s-old} and another one. */
  private Path deadIncarnation(Duration window, Instant lastTouch) throws Exception {
    Path dir = Files.createDirectories(root.resolve("inc-dead"));
    Files.writeString(dir.resolve(WorkRoot.MARKER_FILE), "marker\n");
    Files.writeString(dir.resolve(WorkRoot.LOCK_FILE), "123\n");
    Path session = Files.createDirectories(dir.resolve("s-old").resolve("0-download/attempt-1"));
    Files.writeString(session.resolve("big.csv"), "a,b\n1,2\n");
    ReattachMarker.write(dir.resolve("s-old"), window, Duration.ofSeconds(3), "wf-1");
    Files.setLastModifiedTime(
        dir.resolve("s-old").resolve(ReattachMarker.FILE_NAME), FileTime.from(lastTouch));
    Files.writeString(Files.createDirectories(dir.resolve("s-plain")).resolve("x"), "x");
    return dir;
  }

  @Test
  void theJanitorKeepsAReattachableSessionAndDeletesTheRestOfTheDeadIncarnation() throws Exception {
    Path dead = deadIncarnation(Duration.ofMinutes(2), Instant.now());
    try (WorkRoot own = WorkRoot.open(root)) {
      Janitor janitor = new Janitor(own, Duration.ofMinutes(1));

      assertThat(janitor.sweep()).isEmpty();

      assertThat(dead.resolve("s-old/0-download/attempt-1/big.csv")).hasContent("a,b\n1,2");
      assertThat(dead.resolve("s-plain")).doesNotExist();
      assertThat(dead.resolve(WorkRoot.LOCK_FILE)).exists();
    }
  }

  @Test
  void theJanitorDeletesTheSessionOnceItsWindowHasPassed() throws Exception {
    // last touched 3 minutes ago: 3 s heartbeat + 2 min window + 30 s slack have passed
    Path dead = deadIncarnation(Duration.ofMinutes(2), Instant.now().minusSeconds(180));
    try (WorkRoot own = WorkRoot.open(root)) {
      assertThat(new Janitor(own, Duration.ofMinutes(1)).sweep()).containsExactly(dead);
      assertThat(dead).doesNotExist();
    }
  }

  @Test
  void aNewProcessTakesTheSessionOverWithItsFiles() throws Exception {
    Path dead = deadIncarnation(Duration.ofMinutes(2), Instant.now());
    try (WorkRoot own = WorkRoot.open(root)) {
      new Janitor(own, Duration.ofMinutes(1)).sweep(); // as at worker start

      Optional<Path> adopted = own.adopt("s-old", "s-new");

      assertThat(adopted).contains(own.sessionPath("s-new"));
      assertThat(own.sessionPath("s-new").resolve("0-download/attempt-1/big.csv"))
          .hasContent("a,b\n1,2");
      assertThat(dead.resolve("s-old")).doesNotExist();
      assertThat(own.adopt("s-old", "s-again")).isEmpty(); // taken once only
      // with nothing left to keep, the next sweep removes the dead incarnation
      assertThat(new Janitor(own, Duration.ofMinutes(1)).sweep()).containsExactly(dead);
      assertThat(own.sessionPath("s-new")).isDirectory();
    }
  }

  @Test
  void aSessionOfALiveProcessIsNeverTakenOver() throws Exception {
    try (WorkRoot alive = WorkRoot.open(root);
        WorkRoot own = WorkRoot.open(root)) {
      Files.writeString(alive.sessionDir("s-live").resolve("f"), "x");

      assertThat(own.adopt("s-live", "s-new")).isEmpty();

      assertThat(alive.sessionPath("s-live").resolve("f")).exists();
    }
  }

  @Test
  void noFilesOfTheSessionOnThisWorkRootGivesNothing() throws Exception {
    try (WorkRoot own = WorkRoot.open(root)) {
      assertThat(own.adopt("s-unknown", "s-new")).isEmpty();
      assertThat(own.sessionPath("s-new")).doesNotExist();
    }
  }
}
