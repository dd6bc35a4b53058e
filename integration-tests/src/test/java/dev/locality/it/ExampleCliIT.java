package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.it.harness.CliRun;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's command, as a user runs it from the repository root: {@code locality run
 * examples/zipcodes-north.yaml --wait --json} through the CLI jar against a running server and
 * worker. Proves the committed example is valid (its relative {@code file:} URL resolves against
 * the spec's directory) and produces what {@code examples/README.md} promises.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExampleCliIT {
  private static final Path OUTPUT_ROOT = Path.of("/tmp/locality-out/zipcodes-north");
  private static ItCluster cluster;

  @BeforeAll
  static void startCluster() {
    // process mode only: the example reads its input from, and writes its output to, this
    // machine's file system (file: URLs), which a worker in a container does not see
    cluster =
        ItClusters.builder()
            .name("ExampleCliIT")
            .mode(ItMode.PROCESSES)
            .workers("it-cli-worker")
            .start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void theExamplePipelineRunsFromTheRepositoryRoot() throws IOException {
    CliRun run =
        CliRun.run(
            HarnessPaths.cliJar(),
            HarnessPaths.repoRoot(),
            Map.of("TEMPORAL_ADDRESS", cluster.temporalAddress()),
            HarnessPaths.newRunDir("ExampleCliIT-cli"),
            Duration.ofSeconds(60),
            "run",
            "examples/zipcodes-north.yaml",
            "--wait",
            "--json");
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();

    JsonNode report = new ObjectMapper().readTree(run.stdout());
    assertThat(report.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(report.path("name").asText()).isEqualTo("zipcodes-north");
    assertThat(report.path("workerId").asText()).isEqualTo("it-cli-worker");
    assertThat(report.path("stages"))
        .extracting(stage -> stage.path("type").asText())
        .containsExactly("download", "decompress", "transform-csv", "upload");
    assertThat(report.path("outputUris")).hasSize(1);
    Path output = Path.of(URI.create(report.path("outputUris").get(0).asText()));
    try {
      assertThat(output)
          .isEqualTo(OUTPUT_ROOT.resolve(report.path("runId").asText()).resolve("zipcodes.csv"));
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      assertThat(lines.get(0)).isEqualTo("zip,city,state,lat,lon");
      assertThat(lines).hasSize(1 + 3366); // the count examples/README.md states
      assertThat(lines.subList(1, lines.size()))
          .allSatisfy(
              line -> assertThat(Double.parseDouble(line.split(",")[3])).isGreaterThan(45.0));
    } finally {
      deleteRecursively(output.getParent());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
    }
  }
}
