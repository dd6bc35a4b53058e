package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locality demo} as a process: it starts its own server, two worker processes and an HTTP
 * origin, kills the pipeline's worker when transform-csv starts, and the pipeline still completes
 * on the other worker.
 */
@Timeout(120)
class DemoProcessTest {
  @TempDir Path dir;

  @Test
  void killingTheWorkerAtTransformFailsOverToTheOtherWorkerAndCompletes() throws Exception {
    CliProcess.Result demo =
        CliProcess.run(
            dir,
            Map.of(),
            110,
            "demo",
            "--size",
            "5MB",
            "--kill-worker-at",
            "transform-csv",
            "--dir",
            dir.resolve("demo").toString(),
            "--interval",
            "100",
            "--json");

    assertThat(demo.exitCode()).as("%s", demo).isZero();
    JsonNode root = new ObjectMapper().readTree(demo.out());
    assertThat(root.get("status").asText()).isEqualTo("COMPLETED");
    String killed = root.get("demo").get("killedWorker").asText();
    assertThat(killed).isIn("demo-w1", "demo-w2");
    assertThat(root.get("failovers").asInt()).isEqualTo(1);
    JsonNode sessions = root.get("sessions");
    assertThat(sessions.get(0).get("workerId").asText()).isEqualTo(killed);
    assertThat(sessions.get(0).get("state").asText()).isEqualTo("FAILED");
    assertThat(root.get("workerId").asText()).isNotEqualTo(killed).startsWith("demo-w");
    assertThat(demo.err())
        .contains("killed worker " + killed + " (SIGKILL) as stage 2 transform-csv started")
        .contains("worker " + killed + " lost after")
        .contains("failed over to worker " + root.get("workerId").asText());
    Path output = Path.of(root.get("outputUris").get(0).asText().substring("file://".length()));
    assertThat(Files.readString(output).lines().findFirst().orElseThrow())
        .isEqualTo("trip_id,pickup_at,zone,fare_usd");
  }
}
