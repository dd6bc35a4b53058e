package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.it.harness.CliRun;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Incremental runs end to end: the CLI runs a spec whose download has {@code ifChanged: true}
 * against a real Temporal server and a worker process, three times. The first run completes and the
 * worker records its sources' version in the pipeline name's state workflow; the second finds the
 * source unchanged and ends SKIPPED_UNCHANGED (exit code 0, no upload); after the origin's file
 * changes the third runs again and writes the new content.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class IncrementalRunsIT {
  private static ItCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster =
        ItClusters.builder()
            .name("IncrementalRunsIT")
            .mode(ItMode.PROCESSES)
            .workers("it-incremental-worker")
            .start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aSecondRunOfUnchangedSourcesIsSkippedAndAChangeRunsAgain() throws Exception {
    Path dir = HarnessPaths.newRunDir("IncrementalRunsIT-data");
    Path origin = Files.createDirectories(dir.resolve("origin"));
    Path source = Files.writeString(origin.resolve("prices.csv"), "item,price\napple,1\n");
    Files.writeString(origin.resolve("more.csv"), "item,price\npear,2\n");
    Path out = dir.resolve("out");
    Path spec =
        Files.writeString(
            dir.resolve("incremental.yaml"),
            String.join(
                "\n",
                "name: incremental-it",
                "stages:",
                "  - type: download",
                "    url: file://" + origin + "/*.csv",
                "    ifChanged: true",
                "  - type: transform-csv",
                "    output: {mode: merge, name: prices.csv}",
                "  - type: upload",
                "    to: file://" + out + "/{runId}/{file}",
                ""));

    JsonNode first = run(spec, 0);
    assertThat(first.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(first.path("outputUris")).hasSize(1);
    assertThat(
            Files.readString(
                Path.of(java.net.URI.create(first.path("outputUris").get(0).asText()))))
        .isEqualTo("item,price\npear,2\napple,1\n");

    JsonNode second = run(spec, 0);
    assertThat(second.path("status").asText()).isEqualTo("SKIPPED_UNCHANGED");
    assertThat(second.path("outputUris")).isEmpty();
    assertThat(second.path("stages").get(0).path("state").asText()).isEqualTo("COMPLETED");
    assertThat(second.path("stages").get(2).path("state").asText()).isEqualTo("SKIPPED");
    assertThat(Files.list(out).count()).isEqualTo(1); // the second run uploaded nothing

    Files.writeString(source, "item,price\napple,3\n");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
    JsonNode third = run(spec, 0);
    assertThat(third.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(
            Files.readString(
                Path.of(java.net.URI.create(third.path("outputUris").get(0).asText()))))
        .isEqualTo("item,price\npear,2\napple,3\n");

    JsonNode fourth = run(spec, 0);
    assertThat(fourth.path("status").asText()).isEqualTo("SKIPPED_UNCHANGED");
  }

  @Test
  void theSummaryOfASkippedRunSaysWhy() throws Exception {
    Path dir = HarnessPaths.newRunDir("IncrementalRunsIT-summary");
    Path source = Files.writeString(dir.resolve("a.csv"), "x\n1\n");
    Path spec =
        Files.writeString(
            dir.resolve("summary.yaml"),
            String.join(
                "\n",
                "name: incremental-it-summary",
                "stages:",
                "  - type: download",
                "    url: file://" + source,
                "    ifChanged: true",
                ""));
    assertThat(run(spec, 0).path("status").asText()).isEqualTo("COMPLETED");
    CliRun text = cli("run", spec.toString(), "--wait");
    assertThat(text.exitCode()).as(text.stderr()).isZero();
    assertThat(text.stdout())
        .contains("SKIPPED_UNCHANGED")
        .contains("unchanged since the last successful run");
  }

  @Test
  void theExampleSpecIsSkippedTheSecondTimeAndRunsAgainOnAChangedCopy() throws Exception {
    Path dir = HarnessPaths.newRunDir("IncrementalRunsIT-example");
    Path copy = dir.resolve("zipcodes.csv.gz");
    Files.copy(HarnessPaths.repoRoot().resolve("examples/data/zipcodes.csv.gz"), copy);
    String[] overrides = {
      "--set",
      "stages[0].url=file://" + copy,
      "--set",
      "stages[2].to=file://" + dir + "/out/{runId}/{file}"
    };
    String spec = "examples/incremental-zipcodes.yaml";
    JsonNode first = runArgs(spec, overrides);
    assertThat(first.path("status").asText()).isEqualTo("COMPLETED");
    Path written = Path.of(java.net.URI.create(first.path("outputUris").get(0).asText()));
    assertThat(Files.readAllLines(written)).hasSize(1 + 308); // the count examples/README.md states
    assertThat(runArgs(spec, overrides).path("status").asText()).isEqualTo("SKIPPED_UNCHANGED");
    Files.setLastModifiedTime(copy, FileTime.from(Instant.now().plusSeconds(60))); // touched
    assertThat(runArgs(spec, overrides).path("status").asText()).isEqualTo("COMPLETED");
  }

  private static JsonNode runArgs(String spec, String... overrides) throws Exception {
    String[] args = new String[overrides.length + 4];
    args[0] = "run";
    args[1] = spec;
    args[2] = "--wait";
    args[3] = "--json";
    System.arraycopy(overrides, 0, args, 4, overrides.length);
    CliRun run = cli(args);
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
    return new ObjectMapper().readTree(run.stdout());
  }

  private static JsonNode run(Path spec, int expectedExit) throws Exception {
    CliRun run = cli("run", spec.toString(), "--wait", "--json");
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isEqualTo(expectedExit);
    return new ObjectMapper().readTree(run.stdout());
  }

  private static CliRun cli(String... args) throws Exception {
    return CliRun.run(
        HarnessPaths.cliJar(),
        HarnessPaths.repoRoot(),
        Map.of("TEMPORAL_ADDRESS", cluster.temporalAddress()),
        HarnessPaths.newRunDir("IncrementalRunsIT-cli"),
        Duration.ofSeconds(60),
        args);
  }
}
