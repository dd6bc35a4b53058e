package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.connect.Ports;
import dev.locality.stage.StageRegistry;
import dev.locality.worker.LocalityWorker;
import dev.locality.worker.WorkerConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it: each command a separate JVM ({@link CliProcess}), stdout not a
 * terminal, against a port-bound Temporal test server and a Locality worker in this JVM. Asserts
 * exit codes, parsed {@code --json} output and the plain (non-TTY) live view.
 */
@Timeout(180)
class CliProcessTest {
  private static final String CSV = "id,city,temp\n1,Oslo,4.5\n2,Rome,18.0\n3,Lima,22.5\n";

  @TempDir static Path dir;

  private static TestServer.PortBoundTestServer server;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static LocalityWorker worker;
  private static HttpServer origin;
  private static Map<String, String> env;
  private static Path spec;

  @BeforeAll
  static void startServerWorkerAndOrigin() throws Exception {
    int port = Ports.freeLoopbackPort();
    server = TestServer.createPortBoundServer(port);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    client = WorkflowClient.newInstance(service);
    worker =
        LocalityWorker.start(
            client,
            WorkerConfig.newBuilder().setWorkerId("w1").setWorkRoot(dir.resolve("work")).build());
    origin = slowOrigin(gzip("id,city,temp\n" + "1,Oslo,4.5\n2,Rome,18.0\n".repeat(20_000)));
    env = Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port);
    Files.createDirectories(dir.resolve("in"));
    Files.write(dir.resolve("in/a.csv.gz"), gzip(CSV));
    Files.write(dir.resolve("in/b.csv.gz"), gzip(CSV.replace("Rome", "Roma")));
    spec =
        Files.writeString(
            dir.resolve("cities.yaml"),
            """
            name: cities
            session: {heartbeatTimeout: 5s}
            stages:
              - type: download
                url: file:in/a.csv.gz
              - type: decompress
                format: gzip
              - type: transform-csv
                select: [city, temp]
                filter: double(temp) > 10.0
              - type: upload
                to: file://%s/{name}/{workflowId}/{file}
            """
                .formatted(dir.resolve("out")));
  }

  @AfterAll
  static void stop() {
    if (worker != null) worker.close();
    if (service != null) service.shutdownNow();
    if (server != null) server.close();
    if (origin != null) origin.stop(0);
  }

  @Test
  void runWithAnIdIsIdempotentAndAppliesSetOverrides() throws Exception {
    CliProcess.Result first =
        cli(
            "run",
            spec.toString(),
            "--id",
            "cities-once",
            "--set",
            "stages[0].url=file:in/b.csv.gz",
            "--set",
            "session.maxWorkerAttempts=2",
            "--wait",
            "--json");

    assertThat(first.exitCode()).as("%s", first).isZero();
    JsonNode run = json(first.out());
    assertThat(run.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(run.get("started").asBoolean()).isTrue();
    String written =
        Files.readString(
            Path.of(run.get("outputUris").get(0).asText().substring("file://".length())));
    assertThat(written).contains("Roma").doesNotContain("Rome");

    CliProcess.Result second =
        cli(
            "run",
            spec.toString(),
            "--id",
            "cities-once",
            "--set",
            "session.maxWorkerAttempts=2",
            "--set",
            "stages[0].url=file:in/b.csv.gz",
            "--json");

    assertThat(second.exitCode()).as("%s", second).isZero();
    JsonNode again = json(second.out());
    assertThat(again.get("started").asBoolean()).isFalse();
    assertThat(again.get("runId").asText()).isEqualTo(run.get("runId").asText());
    assertThat(again.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(second.err()).contains("already completed").contains("not starting it again");

    CliProcess.Result withoutOverrides = cli("run", spec.toString(), "--id", "cities-once");

    assertThat(withoutOverrides.exitCode()).as("%s", withoutOverrides).isEqualTo(ExitCodes.USAGE);
    assertThat(withoutOverrides.err())
        .contains("pipeline cities-once (run " + run.get("runId").asText() + ", completed)")
        .contains("was started with spec " + run.get("specSha256").asText().substring(0, 12))
        .contains("nothing was started");

    CliProcess.Result list = cli("list", "--json", "--limit", "100");
    List<String> ids = new ArrayList<>();
    json(list.out()).get("pipelines").forEach(p -> ids.add(p.get("workflowId").asText()));
    assertThat(ids).as("no twin was started").containsOnlyOnce("cities-once");
    JsonNode row = find(json(list.out()).get("pipelines"), "cities-once");
    assertThat(row.get("name").asText()).isEqualTo("cities");
    assertThat(row.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(row.get("durationMillis").asLong()).isNotNegative();
  }

  @Test
  void aSpecErrorAfterOverridesNamesTheStageAndKeyAndExitsTwo() throws Exception {
    CliProcess.Result result =
        cli("run", spec.toString(), "--set", "stages[2].filter=double(temp) >", "--wait");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("stages[2] (transform-csv).filter");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void watchPrintsPlainLinesWhenNotATerminalAndEndsWithSummaryAndExitCode() throws Exception {
    String id = "cities-watched";
    var pipeline =
        new SpecParser(StageRegistry.load(getClass().getClassLoader()))
            .parse(
                """
                name: cities
                stages:
                  - type: download
                    url: http://127.0.0.1:%d/slow.csv.gz
                  - type: decompress
                  - type: transform-csv
                    filter: double(temp) > 10.0
                """
                    .formatted(origin.getAddress().getPort()),
                "test");
    WorkflowClient.start(
        client.newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue("locality").setWorkflowId(id).build())
            ::run,
        SpecDocument.of(pipeline));

    CliProcess.Result watch = cli("watch", id, "--interval", "200");

    assertThat(watch.exitCode()).as("%s", watch).isZero();
    assertThat(watch.out())
        .doesNotContain("\u001b[")
        .contains("watching pipeline " + id)
        .contains("session #1 opened on worker w1")
        .contains("stage 0 download started on w1")
        .containsPattern("stage 0 download +\\d+%  .* / .*")
        .contains("stage 2 transform-csv completed in")
        .contains("pipeline COMPLETED in")
        .endsWith("exit code 0\n");
    assertThat(watch.out().indexOf("session #1 opened"))
        .isLessThan(watch.out().indexOf("stage 2 transform-csv completed"));
  }

  @Test
  void batchRunsEachInputOnceSkipsCompletedOnesOnRerunAndExitsOneOnAFailure() throws Exception {
    Path inputs = Files.createDirectories(dir.resolve("batch"));
    Files.write(inputs.resolve("1.csv.gz"), gzip(CSV));
    Files.write(inputs.resolve("2.csv.gz"), gzip(CSV));
    Files.write(inputs.resolve("3.csv.gz"), "not gzip at all".getBytes(StandardCharsets.UTF_8));

    CliProcess.Result first =
        cli("batch", spec.toString(), "--inputs", "batch/*.csv.gz", "--parallel", "2", "--json");

    assertThat(first.exitCode()).as("%s", first).isEqualTo(ExitCodes.PIPELINE_FAILED);
    JsonNode firstRuns = json(first.out());
    assertThat(firstRuns.get("completed").asInt()).isEqualTo(2);
    assertThat(firstRuns.get("failed").asInt()).isEqualTo(1);
    JsonNode failed = firstRuns.get("runs").get(2);
    assertThat(failed.get("input").asText()).endsWith("/batch/3.csv.gz");
    assertThat(failed.get("result").asText()).isEqualTo("FAILED");
    assertThat(failed.get("workflowId").asText()).matches("cities-[0-9a-f]{12}");

    CliProcess.Result second =
        cli("batch", spec.toString(), "--inputs", "batch/*.csv.gz", "--parallel", "2");

    assertThat(second.exitCode()).as("%s", second).isEqualTo(ExitCodes.PIPELINE_FAILED);
    assertThat(second.out())
        .contains("1.csv.gz")
        .contains("SKIPPED")
        .contains("3 inputs: 0 completed, 2 skipped (already done under the same spec), 1 failed");
    CliProcess.Result list = cli("list", "--failed", "--json");
    List<String> failedRuns = new ArrayList<>();
    json(list.out())
        .get("pipelines")
        .forEach(
            p -> {
              if (p.get("workflowId").asText().equals(failed.get("workflowId").asText())) {
                failedRuns.add(p.get("runId").asText());
              }
            });
    assertThat(failedRuns).as("the failed input ran again as a new run").hasSize(2);
  }

  @Test
  void userErrorsSayWhatToDo() throws Exception {
    CliProcess.Result unknown = cli("status", "no-such-pipeline");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("no pipeline with id no-such-pipeline");

    int closed = Ports.freeLoopbackPort();
    CliProcess.Result unreachable =
        CliProcess.run(dir, Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + closed), 60, "list");
    assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.PIPELINE_FAILED);
    assertThat(unreachable.err())
        .contains("cannot reach Temporal at 127.0.0.1:" + closed)
        .contains("from TEMPORAL_ADDRESS");
  }

  @Test
  void helpStagesAndCompletionWork() throws Exception {
    CliProcess.Result help = cli("batch", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Examples:").contains("--inputs").contains("--parallel");

    CliProcess.Result stages = cli("stages", "transform-csv", "--json");
    assertThat(stages.exitCode()).as("%s", stages).isZero();
    JsonNode stage = json(stages.out()).get("stages").get(0);
    assertThat(stage.get("type").asText()).isEqualTo("transform-csv");
    List<String> options = new ArrayList<>();
    stage.get("options").forEach(o -> options.add(o.get("name").asText()));
    assertThat(options).contains("select", "filter");

    CliProcess.Result completion = cli("completion");
    assertThat(completion.exitCode()).isZero();
    assertThat(completion.out())
        .contains("complete -F")
        .contains("watch")
        .contains("--kill-worker-at");
  }

  private static CliProcess.Result cli(String... args) throws Exception {
    return CliProcess.run(dir, env, 120, args);
  }

  private static JsonNode json(String stdout) throws IOException {
    assertThat(stdout.strip().lines()).as("one JSON line: %s", stdout).hasSize(1);
    return new ObjectMapper().readTree(stdout);
  }

  private static JsonNode find(JsonNode pipelines, String workflowId) {
    for (JsonNode p : pipelines) {
      if (p.get("workflowId").asText().equals(workflowId)) return p;
    }
    throw new AssertionError(workflowId + " not listed in " + pipelines);
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** Serves {@code body} in 40 slices over about six seconds, with a Content-Length. */
  private static HttpServer slowOrigin(byte[] body) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            int slice = body.length / 40 + 1;
            for (int at = 0; at < body.length; at += slice) {
              out.write(body, at, Math.min(slice, body.length - at));
              out.flush();
              Thread.sleep(150);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    http.start();
    return http;
  }
}
