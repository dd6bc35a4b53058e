package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
  private static final String[] JARS = {
    "--cli-jar",
    "cli.jar",
    "--worker-jar",
    "worker.jar",
    "--s3proxy-jar",
    "s3proxy.jar",
    "--duckdb-jar",
    "duckdb.jar"
  };

  private static Options parse(String... more) {
    List<String> args = new ArrayList<>(List.of(JARS));
    args.addAll(List.of(more));
    return Options.parse(args.toArray(String[]::new));
  }

  @Test
  void defaultsAreThoseOfTheReadme() {
    Options o = parse("--root", "/repo");

    assertThat(o.size).isEqualTo(1L << 30);
    assertThat(o.sizeText).isEqualTo("1GB");
    assertThat(o.runs).isEqualTo(3);
    assertThat(o.sections)
        .containsExactly("limit", "duckdb", "pipeline", "kill", "noaffinity", "small", "cache");
    assertThat(o.smallCount).isEqualTo(200);
    assertThat(o.smallSequential).isEqualTo(20);
    assertThat(o.smallConcurrency).isEqualTo(8);
    assertThat(o.smallSessions).isEqualTo(4);
    assertThat(o.smallSize).isEqualTo(1L << 20);
    assertThat(o.smallSizeText).isEqualTo("1MB");
    assertThat(o.jfr).isFalse();
    assertThat(o.keep).isFalse();
    assertThat(o.warmUp).isTrue();
    assertThat(o.workerJava()).isEqualTo("java");
    assertThat(o.out).isEqualTo(Path.of("/repo/bench/results"));
    assertThat(o.workDir.getFileName().toString())
        .isEqualTo("locality-bench-" + ProcessHandle.current().pid());
    assertThat(o.dataDir.getFileName().toString()).isEqualTo("locality-bench-data");
  }

  @Test
  void everyOptionIsRead() {
    Options o =
        parse(
            "--size",
            "50MB",
            "--runs",
            "1",
            "--java-home",
            "/opt/jdk-25",
            "--only",
            "limit,small",
            "--jfr",
            "--keep",
            "--no-warm-up",
            "--small-count",
            "40",
            "--small-sequential",
            "5",
            "--small-concurrency",
            "2",
            "--small-sessions",
            "3",
            "--small-size",
            "512KB",
            "--data-dir",
            "/data",
            "--out",
            "/results",
            "--work-dir",
            "/work",
            "--command",
            "bench/run.sh --size 50MB");

    assertThat(o.size).isEqualTo(50L << 20);
    assertThat(o.sizeText).isEqualTo("50MB");
    assertThat(o.runs).isEqualTo(1);
    assertThat(o.workerJava()).isEqualTo(Path.of("/opt/jdk-25/bin/java").toString());
    assertThat(o.sections).containsExactly("limit", "small");
    assertThat(o.jfr).isTrue();
    assertThat(o.keep).isTrue();
    assertThat(o.warmUp).isFalse();
    assertThat(o.smallCount).isEqualTo(40);
    assertThat(o.smallSequential).isEqualTo(5);
    assertThat(o.smallConcurrency).isEqualTo(2);
    assertThat(o.smallSessions).isEqualTo(3);
    assertThat(o.smallSize).isEqualTo(512L << 10);
    assertThat(o.smallSizeText).isEqualTo("512KB");
    assertThat(o.dataDir).isEqualTo(Path.of("/data"));
    assertThat(o.out).isEqualTo(Path.of("/results"));
    assertThat(o.workDir).isEqualTo(Path.of("/work"));
    assertThat(o.command).isEqualTo("bench/run.sh --size 50MB");
    assertThat(o.cliJar).isEqualTo(Path.of("cli.jar").toAbsolutePath());
    assertThat(o.workerJar).isEqualTo(Path.of("worker.jar").toAbsolutePath());
    assertThat(o.s3proxyJar).isEqualTo(Path.of("s3proxy.jar").toAbsolutePath());
    assertThat(o.duckdbJar).isEqualTo(Path.of("duckdb.jar").toAbsolutePath());
  }

  @Test
  void theJarsOfCliAndWorkerAreRequired() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--cli-jar", "cli.jar"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cli-jar and --worker-jar are required");
  }

  @Test
  void s3proxyJarIsRequiredOnlyForTheNoAffinitySection() {
    String[] withoutS3proxy = {"--cli-jar", "c.jar", "--worker-jar", "w.jar"};
    assertThatThrownBy(() -> Options.parse(withoutS3proxy))
        .hasMessage("--s3proxy-jar is required for noaffinity");

    String[] onlyLimit = {"--cli-jar", "c.jar", "--worker-jar", "w.jar", "--only", "limit,kill"};
    assertThat(Options.parse(onlyLimit).sections).containsExactly("limit", "kill");
  }

  @Test
  void duckdbJarIsRequiredOnlyForTheDuckdbSection() {
    String[] noDuckdb = {"--cli-jar", "c.jar", "--worker-jar", "w.jar", "--s3proxy-jar", "s.jar"};
    assertThatThrownBy(() -> Options.parse(noDuckdb))
        .hasMessage("--duckdb-jar is required for duckdb");

    String[] onlyDuckdb = {
      "--cli-jar", "c.jar", "--worker-jar", "w.jar", "--only", "duckdb", "--duckdb-jar", "d.jar"
    };
    assertThat(Options.parse(onlyDuckdb).sections).containsExactly("duckdb");
  }

  @Test
  void unknownOptionsAndMissingValuesAreRejected() {
    assertThatThrownBy(() -> parse("--sise", "1GB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --sise");
    assertThatThrownBy(() -> parse("--runs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--runs needs a value");
    assertThatThrownBy(() -> parse("--runs", "three")).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void sizesArePowersOf1024WithOrWithoutB() {
    assertThat(Options.parseSize("1GB")).isEqualTo(1L << 30);
    assertThat(Options.parseSize("1gb")).isEqualTo(1L << 30);
    assertThat(Options.parseSize("500MB")).isEqualTo(500L << 20);
    assertThat(Options.parseSize("50MiB")).isEqualTo(50L << 20);
    assertThat(Options.parseSize("2 KB")).isEqualTo(2048);
    assertThat(Options.parseSize("1T")).isEqualTo(1L << 40);
    assertThat(Options.parseSize("1.5GB")).isEqualTo(3L << 29);
    assertThat(Options.parseSize("1048576")).isEqualTo(1L << 20);
    assertThat(Options.parseSize(" 7b ")).isEqualTo(7);
  }

  @Test
  void whatIsNoSizeIsRejected() {
    for (String text : List.of("", "GB", "1 PB", "-1MB", "1,5GB", "ten")) {
      assertThatThrownBy(() -> Options.parseSize(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("not a size: " + text);
    }
  }
}
