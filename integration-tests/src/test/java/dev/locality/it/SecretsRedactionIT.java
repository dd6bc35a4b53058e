package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.locality.api.converter.AesGcmPayloadCodec;
import dev.locality.api.converter.PayloadKey;
import dev.locality.it.harness.CliRun;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItWorker;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 point 4, secrets never leave the worker: pipelines whose download URL carries a marker
 * secret in its userinfo and its query string ({@code http://user:S3CRETMARK@…?sig=S3CRETMARK}),
 * run with the {@code locality} CLI against a real Temporal server and a real worker process, in
 * four cases: success, bad input (HTTP 404), a transient failure retried in place (HTTP 503 once),
 * and a redirect to a presigned-style URL whose query carries a second marker that no spec holds.
 *
 * <p>For each run the test reads the whole history, decoding every payload (JSON as UTF-8) and
 * every string of every event, and asserts where the marker is: the client's spec is necessarily in
 * the {@code WorkflowExecutionStarted} input and in the {@code ActivityTaskScheduled} input of the
 * download stage (the worker must receive the URL to fetch it), so the test asserts the marker IS
 * there (it can see it) and in no other field of any event. The presigned marker appears in no
 * event at all. The CLI's output ({@code run --wait --json} and {@code status}) and the worker's
 * log never show either marker.
 *
 * <p>{@link EncryptedPayloadsIT} runs the same pipelines with a payload key: then the marker is in
 * no event at all.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsRedactionIT {
  static final String MARK = "S3CRETMARK";
  static final String PRESIGNED_MARK = "PRESIGNEDMARK";

  private ItCluster cluster;
  private Path runDir;

  /** The payload key file the workers and the CLI get ({@link PayloadKey#ENV}); none here. */
  Path payloadKey(Path runDir) throws IOException {
    return null;
  }

  /** The environment of the workers and the CLI besides the Temporal address. */
  private Map<String, String> keyEnv = Map.of();

  /** One run: the file the URL names and whether the pipeline succeeds. */
  private record Case(String name, String file, boolean succeeds) {}

  @BeforeAll
  void start() throws IOException {
    runDir = HarnessPaths.newRunDir(getClass().getSimpleName());
    Path key = payloadKey(runDir);
    if (key != null) keyEnv = Map.of(PayloadKey.ENV, key.toString());
    Path data = Files.createDirectories(runDir.resolve("data"));
    String csv = "id,city,value\n1,a,10\n2,b,20\n3,c,30\n";
    Files.writeString(data.resolve("ok.csv"), csv, StandardCharsets.UTF_8);
    Files.writeString(data.resolve("flaky.csv"), csv, StandardCharsets.UTF_8);
    Files.writeString(data.resolve("signed.csv"), csv, StandardCharsets.UTF_8);
    // the CLI and the worker run on this machine; a worker in a container would not see the log
    ItClusters.Builder builder =
        ItClusters.builder()
            .name(getClass().getSimpleName())
            .mode(ItMode.PROCESSES)
            .workers("secrets-1")
            .serve(data);
    keyEnv.forEach(builder::workerEnv);
    cluster = builder.start();
    cluster.origin().failNext("flaky.csv", 503, 1);
    cluster
        .origin()
        .redirect(
            "moved.csv",
            cluster.origin().uri("signed.csv")
                + "?X-Amz-Credential=AKIA%2F"
                + PRESIGNED_MARK
                + "&X-Amz-Signature="
                + PRESIGNED_MARK);
  }

  @AfterAll
  void stop() {
    if (cluster != null) cluster.close();
  }

  private String url(String file) {
    String plain = cluster.origin().uri(file).toString(); // http://127.0.0.1:<port>/<file>
    return plain.replace("http://", "http://user:" + MARK + "@") + "?sig=" + MARK;
  }

  private Path spec(Case c) throws IOException {
    String yaml =
        """
        name: secrets-%s
        session:
          heartbeatTimeout: 5s
          creationTimeout: 30s
          maxWorkerAttempts: 2
          failoverBackoff: 200ms
        stages:
          - type: download
            url: "%s"
            retry: {maxAttempts: 3}
          - type: transform-csv
            select: [id, value]
        """
            .formatted(c.name(), url(c.file()));
    Path file = runDir.resolve("secrets-" + c.name() + ".yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private CliRun cli(String logDir, String... args) {
    Map<String, String> env = new LinkedHashMap<>(keyEnv);
    env.put("TEMPORAL_ADDRESS", cluster.temporalAddress());
    return CliRun.run(
        HarnessPaths.cliJar(), runDir, env, runDir.resolve(logDir), Duration.ofSeconds(90), args);
  }

  @Test
  void noSecretReachesHistoryLogsOrCliOutputBeyondTheSpecItself() throws IOException {
    List<Case> cases =
        List.of(
            new Case("success", "ok.csv", true),
            new Case("bad-input", "missing.csv", false),
            new Case("transient", "flaky.csv", true),
            new Case("redirect", "moved.csv", true));
    Pipelines pipelines = new Pipelines(cluster.client());
    Map<Case, String> ids = new LinkedHashMap<>();
    StringBuilder cliOutput = new StringBuilder();
    for (Case c : cases) {
      CliRun run = cli("cli-" + c.name(), "run", spec(c).toString(), "--wait", "--json");
      cliOutput.append(run.stdout()).append(run.stderr());
      JsonNode report = new ObjectMapper().readTree(run.stdout());
      assertThat(report.path("status").asText())
          .as("%s: stdout %s%nstderr %s", c.name(), run.stdout(), run.stderr())
          .isEqualTo(c.succeeds() ? "COMPLETED" : "FAILED");
      assertThat(run.exitCode()).as(c.name()).isEqualTo(c.succeeds() ? 0 : 1);
      String id = report.path("workflowId").asText();
      ids.put(c, id);
      CliRun status = cli("cli-status-" + c.name(), "status", id);
      assertThat(status.exitCode()).as("status %s: %s", c.name(), status.stderr()).isIn(0, 1);
      cliOutput.append(status.stdout()).append(status.stderr());
      if (!c.succeeds()) {
        // the failure names the redacted URL, so a user can still tell what failed
        assertThat(status.stdout() + status.stderr())
            .contains("404")
            .contains("http://***@127.0.0.1:")
            .contains("/missing.csv?***");
      }
    }

    for (Case c : cases) {
      History history = pipelines.history(ids.get(c));
      List<String> places = new ArrayList<>();
      List<String> presigned = new ArrayList<>();
      for (HistoryEvent event : history.events()) {
        for (String place : markerPlaces(event, MARK)) places.add(describe(history, event, place));
        for (String place : markerPlaces(event, PRESIGNED_MARK))
          presigned.add(describe(history, event, place));
      }
      if (keyEnv.isEmpty()) {
        assertThat(places)
            .as("%s: where the spec's secret is in history", c.name())
            .isNotEmpty()
            .allMatch(SecretsRedactionIT::isTheSpecItself, "the spec sent to the workflow or stage")
            .anyMatch(p -> p.startsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED.name()))
            .anyMatch(p -> p.startsWith(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED.name()));
      } else {
        assertThat(places).as("%s: where the spec's secret is in history", c.name()).isEmpty();
        HistoryEvent started = history.events().get(0);
        assertThat(
                started
                    .getWorkflowExecutionStartedEventAttributes()
                    .getInput()
                    .getPayloads(0)
                    .getMetadataMap()
                    .get("encoding")
                    .toStringUtf8())
            .as("%s: the spec is in history, encrypted", c.name())
            .isEqualTo(AesGcmPayloadCodec.ENCODING);
      }
      assertThat(presigned).as("%s: the presigned redirect target", c.name()).isEmpty();
    }
    // the transient case did fail once and retry (the Java test server keeps no last failure in
    // history; the worker's log shows the failure, redacted)
    assertThat(cluster.origin().gets("flaky.csv")).as("GETs of flaky.csv").isEqualTo(2);
    assertThat(cluster.origin().gets("signed.csv")).as("GETs of the redirect target").isEqualTo(1);
    assertThat(cluster.workers().get(0).log())
        .contains("HTTP 503 from http://***@127.0.0.1:")
        .contains("/flaky.csv?*** (transient; will retry)");

    assertThat(cliOutput.toString()).doesNotContain(MARK).doesNotContain(PRESIGNED_MARK);
    for (ItWorker worker : cluster.workers()) {
      assertThat(worker.log())
          .as("log of %s", worker.workerId())
          .contains("secrets-") // it did log the runs
          .doesNotContain(MARK)
          .doesNotContain(PRESIGNED_MARK);
    }
  }

  /** The two fields that must carry the spec: the workflow's input, the download stage's input. */
  private static boolean isTheSpecItself(String place) {
    return place.startsWith(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED.name()
                + " workflow_execution_started_event_attributes.input.")
        || place.startsWith(
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED.name()
                + "(download) activity_task_scheduled_event_attributes.input.");
  }

  private static String describe(History history, HistoryEvent event, String place) {
    String type = event.getEventType().name();
    if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      type += "(" + history.activityTypeOf(event) + ")";
    return type + " " + place;
  }

  /**
   * The fields of {@code message} (and of the messages in it, recursively) whose text holds {@code
   * marker}: strings as they are, bytes (payload data, metadata) decoded as UTF-8, which is how
   * Temporal's default converter writes JSON.
   */
  static List<String> markerPlaces(Message message, String marker) {
    List<String> places = new ArrayList<>();
    walk(message, "", marker, places);
    return places;
  }

  private static void walk(Message message, String path, String marker, List<String> places) {
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      String name =
          path.isEmpty() ? field.getKey().getName() : path + "." + field.getKey().getName();
      if (field.getKey().isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        for (int i = 0; i < values.size(); i++)
          visit(values.get(i), name + "[" + i + "]", marker, places);
      } else {
        visit(field.getValue(), name, marker, places);
      }
    }
    if (message.getUnknownFields().toString().contains(marker)) places.add(path + ".<unknown>");
  }

  private static void visit(Object value, String path, String marker, List<String> places) {
    if (value instanceof Message m) walk(m, path, marker, places);
    else if (value instanceof ByteString b) {
      if (b.toStringUtf8().contains(marker)) places.add(path);
    } else if (String.valueOf(value).contains(marker)) places.add(path);
  }
}
