package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.ItWorker;
import dev.locality.it.harness.WorkerProcess;
import dev.locality.stage.StageRegistry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example pipeline end to end, in the run's mode: a Temporal server, two workers, an HTTP
 * origin serving the committed zip code data set and an S3 API server for the output. Checks data
 * locality (every stage on one worker's unique queue, read from the workflow history), the output
 * bytes against an independent Commons CSV transform, and that the session directories are gone
 * afterwards.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PipelineEndToEndIT {
  private static final String DATA_FILE = "zipcodes.csv.gz";
  private static final Set<String> STAGE_TYPES =
      Set.of("download", "decompress", "transform-csv", "upload");
  private static final List<String> SELECTED =
      List.of("zip_code", "city", "state", "latitude", "longitude");
  private static final List<String> RENAMED = List.of("zip", "city", "state", "lat", "lon");
  private static final double MIN_LATITUDE = 45.0;

  private static ItCluster cluster;
  private static final String BUCKET = "e2e";

  @BeforeAll
  static void startCluster() {
    cluster =
        ItClusters.builder()
            .name("PipelineEndToEndIT")
            .workers("it-worker-a", "it-worker-b")
            .serve(HarnessPaths.exampleData())
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void runsEveryStageOnOneWorkerAndWritesTheTransformedCsv() throws Exception {
    Path source = HarnessPaths.exampleData().resolve(DATA_FILE);
    PipelineSpec spec = parse(specYaml(source));
    String workflowId = "it-e2e-" + UUID.randomUUID();

    PipelineResult result = runPipeline(workflowId, spec);

    // (a) data locality, from the server's record rather than the result's claims
    List<ActivityTaskScheduledEventAttributes> scheduled = scheduledActivities(workflowId);
    List<ActivityTaskScheduledEventAttributes> stages =
        scheduled.stream()
            .filter(a -> STAGE_TYPES.contains(a.getActivityType().getName()))
            .toList();
    assertThat(stages)
        .extracting(a -> a.getActivityType().getName())
        .containsExactly("download", "decompress", "transform-csv", "upload");
    Set<String> stageQueues =
        stages.stream().map(a -> a.getTaskQueue().getName()).collect(Collectors.toSet());
    assertThat(stageQueues).hasSize(1);
    String uniqueQueue = stageQueues.iterator().next();
    assertThat(uniqueQueue)
        .startsWith(WorkerProcess.SHARED_QUEUE + "@")
        .matches("locality@" + result.workerId() + "-\\p{XDigit}{8}");
    assertThat(result.taskQueue()).isEqualTo(uniqueQueue);
    assertThat(result.workerId()).isIn("it-worker-a", "it-worker-b");
    assertThat(cluster.worker(result.workerId()).uniqueQueue()).contains(uniqueQueue);
    assertThat(scheduled)
        .filteredOn(a -> a.getActivityType().getName().equals("session-lease"))
        .extracting(a -> a.getTaskQueue().getName())
        .containsOnly(WorkerProcess.SHARED_QUEUE);
    assertThat(cluster.origin().requests()).contains("GET /" + DATA_FILE);

    // (b) the output equals an independent transform of the same input
    assertThat(result.outputUris()).hasSize(1);
    URI output = URI.create(result.outputUris().get(0));
    assertThat(output.getScheme()).isEqualTo("s3");
    assertThat(output.getHost()).isEqualTo(BUCKET);
    String key = output.getPath().substring(1);
    assertThat(key)
        .matches(
            "zipcodes-north-it/"
                + cluster
                    .client()
                    .fetchHistory(workflowId)
                    .getEvents()
                    .get(0)
                    .getWorkflowExecutionStartedEventAttributes()
                    .getOriginalExecutionRunId()
                + "/zipcodes\\.csv");
    String expected = expectedCsv(source);
    assertThat(expected.lines().count()).isGreaterThan(1000);
    assertThat(cluster.s3().read(BUCKET, key)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(cluster.s3().commits(BUCKET, key)).isEqualTo(1);

    // (c) the lease deleted its session directory on both workers (it does so after the close)
    assertThat(result.sessions()).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              for (ItWorker worker : cluster.workers()) {
                assertThat(worker.sessionLeftovers())
                    .as("session files left on %s", worker.workerId())
                    .isEmpty();
              }
            });
    ItSummary.pass(
        "e2e-example",
        cluster.mode(),
        "worker=%s rows-out=%d".formatted(result.workerId(), expected.lines().count() - 1));
  }

  private String specYaml(Path source) throws IOException {
    return """
        name: zipcodes-north-it
        session:
          heartbeatTimeout: 3s
          creationTimeout: 30s
          maxWorkerAttempts: 1
        stages:
          - type: download
            url: %s
            sha256: %s
          - type: decompress
            format: auto
          - type: transform-csv
            select: [zip_code, city, state, latitude, longitude]
            rename: {zip_code: zip, latitude: lat, longitude: lon}
            filter: double(lat) > %s
          - type: upload
            to: s3://%s/{name}/{runId}/{file}
        """
        .formatted(cluster.origin().uri(DATA_FILE), sha256(source), MIN_LATITUDE, BUCKET);
  }

  private static PipelineSpec parse(String yaml) {
    return new SpecParser(registry()).parse(yaml, "PipelineEndToEndIT");
  }

  private static StageRegistry registry() {
    return StageRegistry.load(PipelineEndToEndIT.class.getClassLoader());
  }

  private static PipelineResult runPipeline(String workflowId, PipelineSpec spec) throws Exception {
    PipelineWorkflow pipeline =
        cluster
            .client()
            .newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(WorkerProcess.SHARED_QUEUE)
                    .setWorkflowId(workflowId)
                    .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                    .build());
    io.temporal.client.WorkflowClient.start(pipeline::run, SpecDocument.of(spec));
    return WorkflowStub.fromTyped(pipeline).getResult(60, TimeUnit.SECONDS, PipelineResult.class);
  }

  private static List<ActivityTaskScheduledEventAttributes> scheduledActivities(String workflowId) {
    List<HistoryEvent> events = cluster.client().fetchHistory(workflowId).getEvents();
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .toList();
  }

  /**
   * The documented transform-csv output, computed without the stage: the selected columns in {@code
   * select} order under their new names, rows whose latitude is above the bound, printed as RFC
   * 4180 CSV (Commons CSV's default format) with a header and LF record separators.
   */
  private static String expectedCsv(Path gzipCsv) throws IOException {
    CSVFormat in = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    CSVFormat out =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator("\n")
            .setHeader(RENAMED.toArray(String[]::new))
            .get();
    StringWriter text = new StringWriter();
    try (InputStream raw = Files.newInputStream(gzipCsv);
        Reader reader = new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8);
        CSVPrinter printer = new CSVPrinter(text, out)) {
      for (CSVRecord record : in.parse(reader)) {
        if (Double.parseDouble(record.get("latitude")) > MIN_LATITUDE) {
          printer.printRecord(SELECTED.stream().map(record::get).toList());
        }
      }
    }
    return text.toString();
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
