package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkerMainTest {
  private static WorkerSettings parse(String... args) {
    WorkerMain main = new WorkerMain();
    new CommandLine(main).parseArgs(args);
    return main.settings();
  }

  @Test
  void optionsBecomeSettings() {
    WorkerSettings s =
        parse(
            "--shared-queue=etl",
            "--worker-id=w7",
            "--work-root=/srv/work",
            "--max-sessions=2",
            "--max-concurrent-stages=3",
            "--drain-timeout=90s",
            "--janitor-period=5m",
            "--allowed-file-roots=/data,/mnt/in");

    assertThat(s.sharedQueue()).isEqualTo("etl");
    assertThat(s.workerId()).isEqualTo("w7");
    assertThat(s.workRoot()).isEqualTo(Path.of("/srv/work"));
    assertThat(s.maxSessions()).isEqualTo(2);
    assertThat(s.maxConcurrentStages()).isEqualTo(3);
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.janitorPeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.stageSettings())
        .isEqualTo(Map.of(WorkerSettings.ALLOWED_FILE_ROOTS, "/data,/mnt/in"));
  }

  @Test
  void defaultsMatchTheSettingsDefaults() {
    // Holds when the LOCALITY_* variables are unset, as in the build.
    WorkerSettings s = parse();
    WorkerSettings defaults = WorkerSettings.defaults();

    assertThat(s.sharedQueue()).isEqualTo("locality");
    assertThat(s.workerId()).isEqualTo(defaults.workerId()).isEqualTo(WorkerSettings.hostName());
    assertThat(s.workRoot())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "locality-work"));
    assertThat(s.maxSessions()).isEqualTo(4);
    assertThat(s.maxConcurrentStages()).isEqualTo(8);
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.janitorPeriod()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.stageSettings()).isEmpty();
  }

  @Test
  void rejectsSettingsAWorkerCannotRunWith() {
    assertThatThrownBy(() -> parse("--max-sessions=0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max sessions");
    assertThatThrownBy(() -> parse("--worker-id=a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("worker id");
    assertThatThrownBy(() -> parse("--drain-timeout=soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("not a duration");
  }
}
