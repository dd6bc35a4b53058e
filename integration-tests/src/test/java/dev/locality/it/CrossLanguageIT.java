package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.workflow.Failures;
import dev.locality.it.harness.CiRequirements;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cross-language contract, from outside the project: a Node.js program using the TypeScript
 * SDK's {@code @temporalio/client} (from npm, installed by {@code .ci/run}) starts pipelines with
 * the spec exactly as the README writes it, against the run's Temporal server and a real worker. A
 * valid spec completes (and answers the {@code status} query); an invalid one fails at once with
 * {@code InvalidSpec} naming every problem. In CI ({@code CI=true}) a missing Node.js fails the
 * test instead of skipping it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossLanguageIT {
  private static final Path CLIENT_DIR =
      HarnessPaths.repoRoot().resolve("integration-tests/src/test/node");
  private static final String BUCKET = "cross-language";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ItCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    CiRequirements.require(
        commandWorks("node", "--version"),
        "Node.js is not installed (the cross-language contract test runs a TypeScript client)");
    if (!Files.isDirectory(CLIENT_DIR.resolve("node_modules/@temporalio/client"))) {
      // .ci/run installs it; a developer's first run installs it here
      assertThat(run(CLIENT_DIR, 180, "npm", "ci", "--no-audit", "--no-fund").exit())
          .as("npm ci in %s", CLIENT_DIR)
          .isZero();
    }
    cluster =
        ItClusters.builder()
            .name("CrossLanguageIT")
            .workers("it-worker-node")
            .serve(HarnessPaths.exampleData())
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aTypeScriptClientRunsTheReadmeSpec() throws Exception {
    // the README's form: options beside type, durations like 10s, every default left out
    String spec =
        """
        {"name": "zipcodes-from-node",
         "session": {"heartbeatTimeout": "3s"},
         "stages": [
           {"type": "download", "url": "%s"},
           {"type": "decompress"},
           {"type": "transform-csv", "select": ["zip_code", "state"], "filter": "state == 'VT'",
            "timeouts": {"heartbeat": "10s"}},
           {"type": "upload", "to": "s3://%s/{name}/{file}"}
         ]}
        """
            .formatted(cluster.origin().uri("zipcodes.csv.gz"), BUCKET);

    long started = System.nanoTime();
    JsonNode outcome = startFromNode(spec);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(outcome.path("outcome").asText()).as("%s", outcome).isEqualTo("completed");
    JsonNode result = outcome.path("result");
    assertThat(result.path("name").asText()).isEqualTo("zipcodes-from-node");
    assertThat(result.path("workerId").asText()).isEqualTo("it-worker-node");
    assertThat(result.path("stages")).hasSize(4);
    result.path("stages").forEach(s -> assertThat(s.path("state").asText()).isEqualTo("COMPLETED"));
    assertThat(outcome.path("status").path("state").asText()).isEqualTo("COMPLETED");
    String key = "zipcodes-from-node/zipcodes.csv";
    assertThat(result.path("outputUris").get(0).asText()).isEqualTo("s3://" + BUCKET + "/" + key);
    List<String> lines =
        new String(cluster.s3().read(BUCKET, key), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).isEqualTo("zip_code,state");
    assertThat(lines.subList(1, lines.size())).isNotEmpty().allMatch(l -> l.endsWith(",VT"));
    long rowsOut = result.path("stages").get(2).path("metrics").path("rowsOut").asLong();
    assertThat(rowsOut).isEqualTo(lines.size() - 1);
    ItSummary.pass(
        "cross-language-valid", cluster.mode(), "rows-out=%d in %d ms".formatted(rowsOut, millis));
  }

  @Test
  void aTypeScriptClientGetsInvalidSpecAtOnce() throws Exception {
    String spec =
        """
        {"name": "Bad Name",
         "session": {"heartbeatTimeout": "ten seconds"},
         "stages": [
           {"type": "download", "uri": "https://example.invalid/a.csv"},
           {"type": "transform-csvv"}
         ]}
        """;

    long started = System.nanoTime();
    JsonNode outcome = startFromNode(spec);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(outcome.path("outcome").asText()).as("%s", outcome).isEqualTo("failed");
    assertThat(outcome.path("type").asText()).isEqualTo(Failures.INVALID_SPEC);
    assertThat(outcome.path("nonRetryable").asBoolean()).isTrue();
    assertThat(outcome.path("message").asText())
        .contains("name: 'Bad Name' must match")
        .contains("session.heartbeatTimeout")
        .contains("stages[0] (download).uri: unknown option")
        .contains("stages[0] (download).url: required option is missing")
        .contains("stages[1] (transform-csvv).type: unknown stage type");
    assertThat(millis).as("time to fail, ms").isLessThan(15_000);
    ItSummary.pass("cross-language-invalid", cluster.mode(), "failed in %d ms".formatted(millis));
  }

  private static JsonNode startFromNode(String spec) throws Exception {
    Path specFile = Files.createTempFile("cross-language-", ".json");
    try {
      Files.writeString(specFile, spec);
      Result result =
          run(
              CLIENT_DIR,
              90,
              "node",
              "start-pipeline.mjs",
              cluster.temporalAddress(),
              specFile.toString(),
              "node-" + UUID.randomUUID(),
              "60000");
      assertThat(result.exit()).as("node client: %s", result.output()).isZero();
      String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
      return JSON.readTree(last);
    } finally {
      Files.deleteIfExists(specFile);
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(Path dir, int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private static boolean commandWorks(String... command) {
    try {
      return run(Path.of("."), 30, command).exit() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
