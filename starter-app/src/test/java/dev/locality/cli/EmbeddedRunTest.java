package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locality run} end to end in this JVM with the embedded default: Temporal test server,
 * in-process worker, the built-in stages on a gzipped CSV made here.
 */
@Timeout(120)
class EmbeddedRunTest {
  private static final String CSV =
      """
      id,city,temp
      1,Oslo,4.5
      2,Rome,18.0
      3,Lima,22.5
      4,Bergen,7.0
      """;

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void runsAFourStagePipelineAndPrintsTheJsonSummary() throws Exception {
    Path input = gzip(dir.resolve("in/cities.csv.gz"), CSV);
    Path outDir = dir.resolve("out");
    Path spec =
        Files.writeString(
            dir.resolve("cities.yaml"),
            """
            name: warm-cities
            stages:
              - type: download
                url: file:in/%s
              - type: decompress
                format: gzip
              - type: transform-csv
                select: [city, temp]
                filter: double(temp) > 10.0
              - type: upload
                to: file://%s/{name}/{file}
            """
                .formatted(input.getFileName(), outDir));

    int exit = run("run", spec.toString(), "--json", "--embedded", "--id", "warm-cities-e2e");

    assertThat(exit).as("exit code; stderr:%n%s", err).isEqualTo(ExitCodes.SUCCESS);
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(out.toString().strip().lines()).hasSize(1);
    assertThat(root.get("workflowId").asText()).isEqualTo("warm-cities-e2e");
    assertThat(root.get("runId").asText()).isNotBlank();
    assertThat(root.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(root.get("name").asText()).isEqualTo("warm-cities");
    assertThat(root.get("taskQueue").asText())
        .startsWith("locality@" + root.get("workerId").asText() + "-");
    assertThat(root.get("failovers").asInt()).isZero();
    assertThat(root.get("sessions")).hasSize(1);
    assertThat(types(root.get("stages")))
        .containsExactly("download", "decompress", "transform-csv", "upload");
    JsonNode transform = root.get("stages").get(2);
    assertThat(transform.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(transform.get("workerId").asText()).isEqualTo(root.get("workerId").asText());
    assertThat(transform.get("metrics").get("rowsIn").asLong()).isEqualTo(4);
    assertThat(transform.get("metrics").get("rowsOut").asLong()).isEqualTo(2);
    assertThat(transform.get("metrics").get("rowsFiltered").asLong()).isEqualTo(2);
    assertThat(transform.get("durationMillis").asLong()).isNotNegative();

    Path written = outDir.resolve("warm-cities/cities.csv");
    assertThat(root.get("outputUris").get(0).asText()).endsWith("/warm-cities/cities.csv");
    assertThat(Files.readString(written).lines().toList())
        .containsExactly("city,temp", "Rome,18.0", "Lima,22.5");
    assertThat(err.toString()).contains("embedded Temporal server");
  }

  @Test
  void aFailingStageExitsOneWithTheStagesOwnMessage() throws Exception {
    Path input = gzip(dir.resolve("cities.csv.gz"), CSV);
    Path spec =
        Files.writeString(
            dir.resolve("bad-checksum.yaml"),
            """
            name: bad-checksum
            stages:
              - type: download
                url: file://%s
                sha256: %s
            """
                .formatted(input, "ab".repeat(32)));

    int exit = run("run", spec.toString(), "--embedded");

    assertThat(exit).as("exit code; stderr:%n%s", err).isEqualTo(ExitCodes.PIPELINE_FAILED);
    String firstLines = out.toString();
    assertThat(firstLines.lines().findFirst().orElseThrow()).startsWith("bad-checksum-");
    assertThat(firstLines).contains("pipeline FAILED: ").contains("SHA-256 mismatch");
  }

  private int run(String... args) {
    Map<String, String> env = Map.of("TEMPORAL_CONFIG_FILE", dir.resolve("none.toml").toString());
    return LocalityCli.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private static Path gzip(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  private static List<String> types(JsonNode stages) {
    List<String> types = new ArrayList<>();
    stages.forEach(s -> types.add(s.get("type").asText()));
    return types;
  }
}
