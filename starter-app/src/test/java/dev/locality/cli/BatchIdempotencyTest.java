package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.cli.start.FakePipelines;
import dev.locality.cli.start.PipelineStarter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locality batch} (its {@code BatchRunner}) against a real (test) server: the same batch run
 * again skips every input, saying it was done under the same spec; after the spec was edited no
 * input is skipped for a run of the old spec, and the old spec's runs still count for it.
 */
@Timeout(120)
class BatchIdempotencyTest {
  private static final String SPEC =
      """
      name: daily
      stages:
        - type: download
          url: file:///replaced/by/each/input.csv.gz
        - type: upload
          to: file:///data/out/{name}/{file}
      """;

  @TempDir Path dir;

  private FakePipelines temporal;

  @BeforeEach
  void start() throws Exception {
    temporal = new FakePipelines();
    Files.createDirectories(dir.resolve("in"));
    for (String name : List.of("a", "b", "c"))
      Files.writeString(dir.resolve("in/" + name + ".csv.gz"), name);
  }

  @AfterEach
  void stop() {
    temporal.close();
  }

  @Test
  void anEditedSpecDoesNotSkipInputsDoneUnderTheOldOne() throws Exception {
    Path spec = Files.writeString(dir.resolve("daily.yaml"), SPEC);
    String inputs = dir.resolve("in").toString() + "/*.csv.gz";

    JsonNode first = batchJson(spec, inputs);
    assertThat(first.get("completed").asInt()).isEqualTo(3);
    List<String> firstIds = ids(first);
    for (JsonNode run : first.get("runs")) {
      assertThat(temporal.memo(run.get("workflowId").asText(), PipelineStarter.MEMO_SPEC_SHA256))
          .isEqualTo(run.get("specSha256").asText());
    }

    String[] again = batch(spec, inputs);
    assertThat(again[0]).isEqualTo("0");
    assertThat(again[1])
        .contains("3 inputs: 0 completed, 3 skipped (already done under the same spec), 0 failed");
    for (JsonNode run : first.get("runs")) {
      String shortSha = run.get("specSha256").asText().substring(0, 12);
      assertThat(again[2])
          .contains(
              "SKIPPED  "
                  + run.get("workflowId").asText()
                  + "  "
                  + run.get("input").asText()
                  + "  already completed under the same spec "
                  + shortSha
                  + ": not run again");
    }

    Files.writeString(spec, SPEC.replace("{name}/{file}", "{name}/v2/{file}"));
    JsonNode edited = batchJson(spec, inputs);
    assertThat(edited.get("completed").asInt()).as("no input skipped").isEqualTo(3);
    assertThat(edited.get("skipped").asInt()).isZero();
    assertThat(ids(edited)).doesNotContainAnyElementsOf(firstIds);

    JsonNode overridden = batchJson(spec, inputs, "--set", "session.maxWorkerAttempts=5");
    assertThat(overridden.get("completed").asInt()).as("a --set is an edit too").isEqualTo(3);

    Files.writeString(spec, SPEC);
    JsonNode original = batchJson(spec, inputs);
    assertThat(original.get("skipped").asInt())
        .as("the old spec's runs are still done")
        .isEqualTo(3);
    assertThat(ids(original)).isEqualTo(firstIds);
    for (String id : firstIds) assertThat(temporal.runsOf(id)).isEqualTo(1);
  }

  private static List<String> ids(JsonNode batch) {
    List<String> ids = new ArrayList<>();
    for (JsonNode run : batch.get("runs")) ids.add(run.get("workflowId").asText());
    return ids;
  }

  private JsonNode batchJson(Path spec, String inputs, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--json"));
    args.addAll(List.of(more));
    String[] result = batch(spec, inputs, args.toArray(String[]::new));
    assertThat(result[0]).as(result[2]).isEqualTo("0");
    return new ObjectMapper().readTree(result[1]);
  }

  /** Exit code, stdout, stderr. */
  private String[] batch(Path spec, String inputs, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(List.of("batch", spec.toString(), "--inputs", inputs, "--parallel", "3"));
    args.addAll(List.of(more));
    int exit =
        LocalityCli.execute(
            Map.of("TEMPORAL_ADDRESS", temporal.address()),
            new PrintWriter(out),
            new PrintWriter(err),
            args.toArray(String[]::new));
    return new String[] {String.valueOf(exit), out.toString(), err.toString()};
  }
}
