package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.converter.AesGcmPayloadCodec;
import dev.locality.api.converter.PayloadKey;
import dev.locality.api.workflow.Failures;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.NodeScripts;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>With payload encryption: against a worker given {@code LOCALITY_PAYLOAD_KEY_FILE}, the Node
 * client with the same key file and {@code locality-codec.mjs} (the README's snippet) starts a
 * pipeline whose URL carries a marker secret and reads its result and status; the marker is in no
 * history event in clear, the spec and the result are {@code binary/encrypted}. A Node client
 * without the key, or with another one, reading that run's result fails at once with the codec's
 * message naming the key id(s).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossLanguageIT {
  private static final String BUCKET = "cross-language";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARK = SecretsRedactionIT.MARK;

  private static ItCluster cluster;
  private static ItCluster encrypted;
  private static Path keyFile;
  private static Path otherKeyFile;

  @BeforeAll
  static void start() throws Exception {
    NodeScripts.require();
    cluster =
        ItClusters.builder()
            .name("CrossLanguageIT")
            .workers("it-worker-node")
            .serve(HarnessPaths.exampleData())
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
    // a second deployment whose worker encrypts every payload; the key file is on this machine
    Path runDir = HarnessPaths.newRunDir("CrossLanguageIT-encrypted");
    keyFile = EncryptedPayloadsIT.newPayloadKey(runDir.resolve("payload.key"));
    otherKeyFile = EncryptedPayloadsIT.newPayloadKey(runDir.resolve("other.key"));
    encrypted =
        ItClusters.builder()
            .name("CrossLanguageIT-encrypted")
            .mode(ItMode.PROCESSES)
            .workers("it-worker-node-key")
            .serve(HarnessPaths.exampleData())
            .workerEnv(PayloadKey.ENV, keyFile.toString())
            .start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (encrypted != null) encrypted.close();
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
        .contains("stages[0] (download).url: give the source as url or urls")
        .contains("stages[1] (transform-csvv).type: unknown stage type");
    assertThat(millis).as("time to fail, ms").isLessThan(15_000);
    ItSummary.pass("cross-language-invalid", cluster.mode(), "failed in %d ms".formatted(millis));
  }

  @Test
  void aTypeScriptClientWithTheWorkersKeyKeepsHistoryEncrypted() throws Exception {
    Map<String, String> withKey = Map.of(PayloadKey.ENV, keyFile.toString());
    String keyId = PayloadKey.read(keyFile).id();
    String workflowId = "node-key-" + UUID.randomUUID();

    JsonNode outcome =
        startFromNode(encrypted, markedSpec("zipcodes-from-node-key"), workflowId, withKey);

    assertThat(outcome.path("outcome").asText()).as("%s", outcome).isEqualTo("completed");
    JsonNode result = outcome.path("result"); // decrypted by locality-codec.mjs
    assertThat(result.path("name").asText()).isEqualTo("zipcodes-from-node-key");
    assertThat(result.path("workerId").asText()).isEqualTo("it-worker-node-key");
    assertThat(result.path("stages")).hasSize(3);
    result.path("stages").forEach(s -> assertThat(s.path("state").asText()).isEqualTo("COMPLETED"));
    long rowsOut = result.path("stages").get(2).path("metrics").path("rowsOut").asLong();
    assertThat(rowsOut).isPositive();
    assertThat(outcome.path("status").path("state").asText()).isEqualTo("COMPLETED");

    History history = new Pipelines(encrypted.client()).history(workflowId);
    List<String> places = new ArrayList<>();
    for (HistoryEvent event : history.events()) {
      for (String place : SecretsRedactionIT.markerPlaces(event, MARK))
        places.add(event.getEventType() + " " + place);
    }
    assertThat(places).as("where the spec's marker is in history, in clear").isEmpty();
    Payload input =
        history
            .events()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput()
            .getPayloads(0);
    assertThat(input.getMetadataMap().get("encoding").toStringUtf8())
        .as("the spec as the Node client sent it")
        .isEqualTo(AesGcmPayloadCodec.ENCODING);
    assertThat(input.getMetadataMap().get(AesGcmPayloadCodec.KEY_ID).toStringUtf8())
        .isEqualTo(keyId);
    // what Node encrypted is the spec, marker included, as the workers' codec reads it
    Payload spec = AesGcmPayloadCodec.with(PayloadKey.read(keyFile)).decode(List.of(input)).get(0);
    assertThat(spec.getMetadataMap().get("encoding").toStringUtf8()).isEqualTo("json/plain");
    assertThat(spec.getData().toStringUtf8()).contains("zipcodes-from-node-key").contains(MARK);
    Payload output =
        history
            .ofType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
            .get(0)
            .getWorkflowExecutionCompletedEventAttributes()
            .getResult()
            .getPayloads(0);
    assertThat(output.getMetadataMap().get("encoding").toStringUtf8())
        .as("the result as the worker wrote it")
        .isEqualTo(AesGcmPayloadCodec.ENCODING);
    ItSummary.pass(
        "cross-language-encrypted",
        encrypted.mode(),
        "rows-out=%d, %d events, marker in clear in none"
            .formatted(rowsOut, history.events().size()));
  }

  @Test
  void aTypeScriptClientWithoutTheKeyOrWithAnotherIsToldWhichKeyItNeeds() throws Exception {
    String keyId = PayloadKey.read(keyFile).id();
    String otherId = PayloadKey.read(otherKeyFile).id();
    String workflowId = "node-key-" + UUID.randomUUID();
    JsonNode outcome =
        startFromNode(
            encrypted,
            markedSpec("zipcodes-node-nokey"),
            workflowId,
            Map.of(PayloadKey.ENV, keyFile.toString()));
    assertThat(outcome.path("outcome").asText()).as("%s", outcome).isEqualTo("completed");

    // the same run's result, read by a client without the key and by one with another key
    long started = System.nanoTime();
    NodeScripts.Result noKey = attachFromNode(encrypted, workflowId, Map.of());
    NodeScripts.Result otherKey =
        attachFromNode(encrypted, workflowId, Map.of(PayloadKey.ENV, otherKeyFile.toString()));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(noKey.exit()).as("node without a key: %s", noKey.output()).isNotZero();
    assertThat(noKey.output())
        .contains("LocalityCodecError")
        .contains(
            "a payload is encrypted (key id "
                + keyId
                + ") but this process has no payload key: set LOCALITY_PAYLOAD_KEY_FILE")
        .doesNotContain("zipcodes-node-nokey");
    assertThat(otherKey.exit()).as("node with another key: %s", otherKey.output()).isNotZero();
    assertThat(otherKey.output())
        .contains("LocalityCodecError")
        .contains(
            "a payload is encrypted with key id "
                + keyId
                + ", but LOCALITY_PAYLOAD_KEY_FILE holds key id "
                + otherId)
        .doesNotContain("zipcodes-node-nokey");
    assertThat(millis).as("both refusals, ms").isLessThan(30_000);
    ItSummary.pass(
        "cross-language-wrong-key", encrypted.mode(), "refused twice in %d ms".formatted(millis));
  }

  /** A small pipeline whose download URL carries {@link #MARK} in its userinfo and query. */
  private static String markedSpec(String name) {
    String url =
        encrypted
            .origin()
            .uri("zipcodes.csv.gz")
            .toString()
            .replace("http://", "http://user:" + MARK + "@");
    return """
        {"name": "%s",
         "session": {"heartbeatTimeout": "3s"},
         "stages": [
           {"type": "download", "url": "%s?sig=%s"},
           {"type": "decompress"},
           {"type": "transform-csv", "select": ["zip_code", "state"], "filter": "state == 'VT'"}
         ]}
        """
        .formatted(name, url, MARK);
  }

  private static JsonNode startFromNode(String spec) throws Exception {
    return startFromNode(cluster, spec, "node-" + UUID.randomUUID(), Map.of());
  }

  private static JsonNode startFromNode(
      ItCluster target, String spec, String workflowId, Map<String, String> env) throws Exception {
    Path specFile = Files.createTempFile("cross-language-", ".json");
    try {
      Files.writeString(specFile, spec);
      NodeScripts.Result result =
          NodeScripts.node(
              env,
              90,
              "start-pipeline.mjs",
              target.temporalAddress(),
              specFile.toString(),
              workflowId,
              "60000");
      assertThat(result.exit()).as("node client: %s", result.output()).isZero();
      return JSON.readTree(result.lastLine());
    } finally {
      Files.deleteIfExists(specFile);
    }
  }

  /** Runs the Node client on an existing run ({@code -} for the spec): waits for its result. */
  private static NodeScripts.Result attachFromNode(
      ItCluster target, String workflowId, Map<String, String> env) throws Exception {
    return NodeScripts.node(
        env, 60, "start-pipeline.mjs", target.temporalAddress(), "-", workflowId, "30000");
  }
}
