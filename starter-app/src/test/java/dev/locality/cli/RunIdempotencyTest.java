package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.start.FakePipelines;
import dev.locality.cli.start.PipelineStarter;
import dev.locality.stage.StageRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
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
 * {@code locality run --id} against a real (test) server: the same spec (however it is written)
 * attaches to the running run and reports the completed one; an edited spec, or a {@code --set}
 * that changes it, is refused with exit 2 naming the id and both hashes; a run started by another
 * client without a spec hash is refused unless {@code --force-attach}.
 */
@Timeout(120)
class RunIdempotencyTest {
  private static final String SPEC =
      """
      name: held-daily
      stages:
        - type: download
          url: file:in/sales.csv.gz
        - type: upload
          to: file:///data/out/{name}/{file}
      """;

  /** The same spec: JSON, other key order, a default written out. */
  private static final String SAME_SPEC_AS_JSON =
      """
      {"stages": [{"url": "file:in/sales.csv.gz", "type": "download"},
                  {"to": "file:///data/out/{name}/{file}", "type": "upload"}],
       "session": {"maxWorkerAttempts": 3},
       "name": "held-daily"}
      """;

  @TempDir Path dir;

  private FakePipelines temporal;

  /** What one CLI invocation printed. */
  private record Result(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  @BeforeEach
  void start() throws Exception {
    temporal = new FakePipelines();
  }

  @AfterEach
  void stop() {
    temporal.close();
  }

  @Test
  void theSameSpecAttachesToTheRunningRunAndReportsTheCompletedOne() throws Exception {
    Path yaml = write("daily.yaml", SPEC);
    Path json = write("daily.json", SAME_SPEC_AS_JSON);

    Result first = cli("run", yaml.toString(), "--id", "daily-1", "--json");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.json().get("started").asBoolean()).isTrue();
    String sha = first.json().get("specSha256").asText();
    assertThat(sha).matches("[0-9a-f]{64}");
    assertThat(temporal.memo("daily-1", PipelineStarter.MEMO_SPEC_SHA256)).isEqualTo(sha);

    Result attached = cli("run", json.toString(), "--id", "daily-1", "--json");
    assertThat(attached.exit()).as(attached.err()).isZero();
    assertThat(attached.json().get("started").asBoolean()).isFalse();
    assertThat(attached.json().get("status").asText()).isEqualTo("RUNNING");
    assertThat(attached.json().get("specSha256").asText()).isEqualTo(sha);
    assertThat(attached.err())
        .contains("pipeline daily-1 is already running")
        .contains("same spec " + sha.substring(0, 12));

    temporal.release("daily-1");
    Result reported = cli("run", yaml.toString(), "--id", "daily-1", "--json");
    assertThat(reported.exit()).as(reported.err()).isZero();
    assertThat(reported.json().get("started").asBoolean()).isFalse();
    assertThat(reported.json().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(reported.err()).contains("pipeline daily-1 already completed");
    assertThat(temporal.runsOf("daily-1")).isEqualTo(1);
  }

  @Test
  void anEditedSpecIsRefusedNamingTheIdAndBothHashes() throws Exception {
    Path yaml = write("daily.yaml", SPEC);
    String sha =
        cli("run", yaml.toString(), "--id", "daily-2", "--json").json().get("specSha256").asText();

    Result overridden =
        cli(
            "run",
            yaml.toString(),
            "--id",
            "daily-2",
            "--set",
            "session.maxWorkerAttempts=5",
            "--json");

    assertThat(overridden.exit()).isEqualTo(ExitCodes.USAGE);
    JsonNode refusal = overridden.json();
    assertThat(refusal.get("status").asText()).isEqualTo("SPEC_CONFLICT");
    assertThat(refusal.get("existingSpecSha256").asText()).isEqualTo(sha);
    String other = refusal.get("specSha256").asText();
    assertThat(other).matches("[0-9a-f]{64}").isNotEqualTo(sha);
    assertThat(overridden.err())
        .contains("pipeline daily-2 (run ")
        .contains("running) was started with spec " + sha.substring(0, 12))
        .contains("not this spec " + other.substring(0, 12))
        .contains("give a new --id to start this spec, or run the spec that run was started with");

    temporal.release("daily-2");
    Path edited = write("edited.yaml", SPEC.replace("sales.csv.gz", "sales-v2.csv.gz"));
    Result afterEdit = cli("run", edited.toString(), "--id", "daily-2");

    assertThat(afterEdit.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(afterEdit.err())
        .contains("pipeline daily-2 (run ")
        .contains("completed) was started with spec " + sha.substring(0, 12))
        .contains("to report it");
    assertThat(afterEdit.out()).isEmpty();
    assertThat(temporal.runsOf("daily-2")).isEqualTo(1);
  }

  @Test
  void aRunOfAnotherClientWithoutASpecHashIsRefusedUnlessForceAttach() throws Exception {
    Path yaml = write("daily.yaml", SPEC);
    WorkflowClient client = temporal.client();
    var spec = new SpecParser(StageRegistry.load(getClass().getClassLoader())).parse(yaml);
    WorkflowClient.start(
        client.newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue("locality")
                    .setWorkflowId("daily-3")
                    .build())
            ::run,
        SpecDocument.of(spec));

    Result refused = cli("run", yaml.toString(), "--id", "daily-3");
    assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err())
        .contains("pipeline daily-3 (run ")
        .contains("was started without a spec hash")
        .contains("or --force-attach to attach to that run anyway");

    Result forced = cli("run", yaml.toString(), "--id", "daily-3", "--force-attach", "--json");
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(forced.json().get("started").asBoolean()).isFalse();
    assertThat(forced.err()).contains("no spec hash recorded: attached with --force-attach");
    assertThat(temporal.runsOf("daily-3")).isEqualTo(1);
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    int exit =
        LocalityCli.execute(
            Map.of("TEMPORAL_ADDRESS", temporal.address()),
            new PrintWriter(out),
            new PrintWriter(err),
            all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }
}
