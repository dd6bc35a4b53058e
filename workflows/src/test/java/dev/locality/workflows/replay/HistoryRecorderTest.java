package dev.locality.workflows.replay;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the history of every pipeline shape ({@link HistoryShapes}) with the current workflow
 * code and writes it to {@code src/test/resources/histories/}. Runs only when asked:
 *
 * <pre>
 * ./mvnw -o -pl workflows test -Dtest=HistoryRecorderTest -Dlocality.recordHistories=true
 * </pre>
 *
 * Record after a deliberate, {@code Workflow.getVersion}-guarded change: add a generation to {@link
 * HistoryShapes#GENERATIONS}, record into it and commit it beside the old ones (old histories must
 * keep replaying). Each recording is checked to end the way its shape says before it is written.
 */
@EnabledIfSystemProperty(named = "locality.recordHistories", matches = "true")
class HistoryRecorderTest {
  /** Into the newest generation; add a generation to {@link HistoryShapes#GENERATIONS} first. */
  private static final Path OUT =
      Path.of(
          "src/test/resources",
          HistoryShapes.DIRECTORY,
          HistoryShapes.GENERATIONS.get(HistoryShapes.GENERATIONS.size() - 1));

  private static final SessionSpec SHORT_CREATION =
      new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(2), 1, Duration.ofMillis(300));

  /** A lost worker is noticed after 2 s; a paid backoff (1 s) would show as a timer. */
  private static final SessionSpec QUICK_DETECTION =
      new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofSeconds(1));

  /** Same-host resume on, with a 3 s window. */
  private static final SessionSpec RESUMABLE =
      new SessionSpec(
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          3,
          Duration.ofSeconds(1),
          Duration.ofSeconds(3));

  private FakeFleet fleet;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    fleet = FakeFleet.start();
    client = fleet.client();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  @Test
  void success() throws Exception {
    fleet.worker("w1", "0001").start();
    record(
        HistoryShapes.SUCCESS,
        pipeline(stage("download"), stage("transform-csv", Map.of("rows", 3)), stage("upload")),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void resume() throws Exception {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker restarted = fleet.worker("w1", "0002").withReattach(1);
    first.stages().onDeath(restarted::start);
    record(
        HistoryShapes.RESUME,
        pipeline(
            RESUMABLE,
            stage("download"),
            stage("decompress"),
            stage("transform-csv", Map.of("rows", 3, "dieOnQueue", "locality@w1-0001")),
            stage("upload")),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void resumeWindowPassed() throws Exception {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker other = fleet.worker("w2", "0002");
    first.stages().onDeath(other::start);
    record(
        HistoryShapes.RESUME_WINDOW_PASSED,
        pipeline(
            RESUMABLE,
            stage("download"),
            stage("decompress", Map.of("dieOn", "w1")),
            stage("transform-csv", Map.of("rows", 3))),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void failover() throws Exception {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    FakeWorker w2 = fleet.worker("w2", "0002");
    w1.stages().onDeath(w2::start);
    record(
        HistoryShapes.FAILOVER,
        pipeline(stage("download"), stage("decompress", Map.of("dieOn", "w1"))),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void lostTwice() throws Exception {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    FakeWorker w2 = fleet.worker("w2", "0002");
    FakeWorker w3 = fleet.worker("w3", "0003");
    w1.stages().onDeath(w2::start);
    w2.stages().onDeath(w3::start);
    record(
        HistoryShapes.LOST_TWICE,
        pipeline(
            QUICK_DETECTION,
            stage("download", Map.of("dieOn", "w1")),
            stage("decompress", Map.of("dieOn", "w2"))),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void partition() throws Exception {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    FakeWorker w2 = fleet.worker("w2", "0002");
    w1.stages().onDeath(w2::start);
    record(
        HistoryShapes.PARTITION,
        pipeline(
            QUICK_DETECTION, stage("download"), stage("transform-csv", Map.of("cutOffOn", "w1"))),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  /** Delay scheduling on, with a 3 s wait. */
  private static final SessionSpec LOCALITY_WAIT =
      new SessionSpec(
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          3,
          Duration.ofSeconds(1),
          null,
          Duration.ZERO,
          Duration.ofSeconds(3));

  private static final Map<String, Object> CACHED_DOWNLOAD =
      Map.of("url", "http://origin.example/big.csv", "cache", true);

  @Test
  void locality() throws Exception {
    fleet.worker("w1", "0001").start();
    fleet.worker("w2", "0002").withPreferredQueue().start();
    fleet.hints().answer("w2");
    record(
        HistoryShapes.LOCALITY,
        pipeline(LOCALITY_WAIT, stage("download", CACHED_DOWNLOAD), stage("upload")),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void localityWaitPassed() throws Exception {
    fleet.worker("w1", "0001").start();
    fleet.hints().answer("w2"); // w2 never polls
    record(
        HistoryShapes.LOCALITY_WAIT_PASSED,
        pipeline(LOCALITY_WAIT, stage("download", CACHED_DOWNLOAD), stage("upload")),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void badInput() throws Exception {
    fleet.worker("w1", "0001").start();
    record(
        HistoryShapes.BAD_INPUT,
        pipeline(stage("download"), stage("transform-csv", Map.of("fail", "bad-input"))),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
  }

  @Test
  void transientExhausted() throws Exception {
    fleet.worker("w1", "0001").start();
    record(
        HistoryShapes.TRANSIENT_EXHAUSTED,
        pipeline(SHORT_CREATION, stage("download", Map.of("fail", "transient"))),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
  }

  @Test
  void noWorker() throws Exception {
    record(
        HistoryShapes.NO_WORKER,
        pipeline(SHORT_CREATION, stage("download")),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
  }

  @Test
  void invalidSpec() throws Exception {
    record(
        HistoryShapes.INVALID_SPEC,
        new ObjectMapper().readTree("{\"name\": \"Bad Name\", \"stages\": [{\"url\": \"x\"}]}"),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
  }

  @Test
  void cancel() throws Exception {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    WorkflowStub stub = start(HistoryShapes.CANCEL, pipeline(stage("download", holding(30_000))));
    await().atMost(Duration.ofSeconds(10)).until(() -> !w1.stages().invocations().isEmpty());
    stub.cancel();
    finish(HistoryShapes.CANCEL, stub, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  }

  @Test
  void drain() throws Exception {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    FakeWorker w2 = fleet.worker("w2", "0002");
    WorkflowStub stub = start(HistoryShapes.DRAIN, pipeline(stage("download", holding(1_500))));
    await().atMost(Duration.ofSeconds(10)).until(() -> !w1.stages().invocations().isEmpty());
    w2.start();
    w1.drain();
    finish(HistoryShapes.DRAIN, stub, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(w2.stages().invocations()).hasSize(1);
  }

  private static Map<String, Object> holding(long millis) {
    return Map.of("holdMs", millis);
  }

  private void record(String shape, JsonNode spec, EventType closedWith) throws Exception {
    finish(shape, start(shape, spec), closedWith);
  }

  private WorkflowStub start(String shape, JsonNode spec) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            PipelineWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setTaskQueue(FakeWorker.SHARED_QUEUE)
                .setWorkflowId("history-" + shape)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                .build());
    stub.start(spec);
    return stub;
  }

  private void finish(String shape, WorkflowStub stub, EventType closedWith) throws Exception {
    catchThrowable(() -> stub.getResult(60, TimeUnit.SECONDS, Object.class));
    WorkflowExecutionHistory history = client.fetchHistory("history-" + shape);
    List<HistoryEvent> events = history.getEvents();
    assertThat(events.get(events.size() - 1).getEventType()).isEqualTo(closedWith);
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve(shape + ".json"), history.toJson(true));
  }
}
