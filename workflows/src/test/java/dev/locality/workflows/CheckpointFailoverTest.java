package dev.locality.workflows;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.spec.CheckpointSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.CheckpointRecord;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.workflows.checkpoint.Checkpoints;
import dev.locality.workflows.testing.FakeCheckpoints;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stage checkpoints, the workflow's decisions: the checkpointed download's save runs beside the
 * next stage; after the worker is lost the new worker restores it and starts at the stage after it;
 * an unusable checkpoint makes the new worker redo every stage from the origin; a successful run
 * deletes the checkpoints. The fake workers stand in for the worker side (tested in activities and
 * the IT). With {@code -Dlocality.recordHistories=true} the runs' histories are written to {@code
 * src/test/resources/histories/checkpoints-1/} for {@code CheckpointReplayTest}.
 */
class CheckpointFailoverTest {
  static final String HISTORIES = "src/test/resources/histories/checkpoints-1";
  private static final String STORE = "s3://checkpoints/pipelines/";
  private static final SessionSpec QUICK =
      new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofMillis(300))
          .withCheckpoints(new CheckpointSpec(Map.of(0, STORE), false));

  private FakeFleet fleet;
  private final FakeCheckpoints checkpoints = new FakeCheckpoints();

  @BeforeEach
  void setUp() {
    fleet = FakeFleet.start();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private FakeWorker worker(String id, String suffix) {
    FakeWorker w = fleet.worker(id, suffix);
    return w.withActivities(checkpoints.on(w));
  }

  private static JsonNode spec() {
    return spec(QUICK);
  }

  private static JsonNode spec(SessionSpec session) {
    return pipeline(
        session,
        stage("download"),
        stage("transform-csv", Map.of("rows", 3, "cutOffOn", "w1")),
        stage("upload"));
  }

  @Test
  void theNewWorkerRestoresTheCheckpointAndDoesNotDownloadAgain() throws Exception {
    FakeWorker w1 = worker("w1", "0001").start();
    FakeWorker w2 = worker("w2", "0002");
    w1.stages().onDeath(w2::start);

    PipelineResult result = run("checkpoint-restore");

    assertThat(types(w1.stages().invocations())).containsExactly("download", "transform-csv");
    assertThat(types(w2.stages().invocations())).containsExactly("transform-csv", "upload");
    StageInvocation downloaded = w1.stages().invocations().get(1); // transform-csv on w1
    StageInvocation resumed = w2.stages().invocations().get(0);
    assertThat(resumed.inputs()).isEqualTo(downloaded.inputs()).isNotEmpty();
    assertThat(result.sessions()).hasSize(2);
    assertThat(result.stages().get(0).workerId()).isEqualTo("w1");
    assertThat(result.stages().get(0).state()).isEqualTo("COMPLETED");
    assertThat(result.stages().get(1).workerId()).isEqualTo("w2");
    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::event)
        .containsExactly(CheckpointRecord.SAVED, CheckpointRecord.RESTORED);
    assertThat(result.checkpoints().get(1).location())
        .isEqualTo(
            STORE
                + "history-checkpoint-restore/"
                + runIdOf(result)
                + "0-download/"
                + result.sessions().get(0).sessionId()
                + "/");
    assertThat(checkpoints.calls())
        .containsExactly("save 0 on w1", "restore on w2", "delete on w2");
    assertThat(checkpoints.stored()).as("deleted after success").isZero();
    assertThat(scheduled("history-checkpoint-restore", "download")).isEqualTo(1);
  }

  @Test
  void anUnusableCheckpointIsRedoneFromTheOriginAndSaysSo() throws Exception {
    FakeWorker w1 = worker("w1", "0001").start();
    FakeWorker w2 = worker("w2", "0002");
    w1.stages()
        .onDeath(
            () -> {
              checkpoints.corruptAll();
              w2.start();
            });

    PipelineResult result = run("checkpoint-unusable");

    assertThat(types(w2.stages().invocations()))
        .containsExactly("download", "transform-csv", "upload");
    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::event)
        .containsExactly(CheckpointRecord.SAVED, CheckpointRecord.UNUSABLE, CheckpointRecord.SAVED);
    assertThat(result.checkpoints().get(1).message()).contains("wrong SHA-256");
    assertThat(scheduled("history-checkpoint-unusable", "download")).isEqualTo(2);
    assertThat(checkpoints.stored()).as("both sessions' checkpoints deleted").isZero();
  }

  @Test
  void aFailedSaveDoesNotFailThePipelineAndTheFailoverRedoesTheStages() {
    checkpoints.storeDown();
    FakeWorker w1 = worker("w1", "0001").start();
    FakeWorker w2 = worker("w2", "0002");
    w1.stages().onDeath(w2::start);

    PipelineResult result =
        fleet.newPipeline("checkpoint-save-failed", Duration.ofMinutes(2)).run(spec());

    assertThat(types(w2.stages().invocations()))
        .containsExactly("download", "transform-csv", "upload");
    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::event)
        .containsExactly(CheckpointRecord.FAILED, CheckpointRecord.FAILED);
    assertThat(result.checkpoints().get(0).message()).contains("Access Denied");
    assertThat(checkpoints.calls()).doesNotContain("restore on w2");
  }

  @Test
  void keptCheckpointsAreNotDeletedAndTheLastStageIsNeverCheckpointed() {
    worker("w1", "0001").start();
    SessionSpec keep =
        new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofMillis(300))
            .withCheckpoints(new CheckpointSpec(Map.of(0, STORE, 1, STORE), true));

    PipelineResult result =
        fleet
            .newPipeline("checkpoint-keep", Duration.ofMinutes(1))
            .run(pipeline(keep, stage("download"), stage("upload")));

    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::stageIndex, CheckpointRecord::event)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0, CheckpointRecord.SAVED));
    assertThat(checkpoints.calls()).containsExactly("save 0 on w1");
    assertThat(checkpoints.stored()).isEqualTo(1);
  }

  @Test
  void withSameHostResumeOnTheCheckpointIsRestoredOnceTheWindowPassedUnanswered() {
    FakeWorker w1 = worker("w1", "0001").start();
    FakeWorker w2 = worker("w2", "0002");
    w1.stages().onDeath(w2::start);
    SessionSpec resumable =
        new SessionSpec(
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                3,
                Duration.ofMillis(300),
                Duration.ofSeconds(2))
            .withCheckpoints(new CheckpointSpec(Map.of(0, STORE), false));

    PipelineResult result =
        fleet
            .newPipeline("checkpoint-after-resume-window", Duration.ofMinutes(2))
            .run(spec(resumable));

    assertThat(result.sessions())
        .extracting(s -> s.workerId(), s -> s.state())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("w1", "FAILED"),
            org.assertj.core.groups.Tuple.tuple(null, "FAILED"),
            org.assertj.core.groups.Tuple.tuple("w2", "CLOSED"));
    assertThat(types(w2.stages().invocations())).containsExactly("transform-csv", "upload");
    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::event)
        .containsExactly(CheckpointRecord.SAVED, CheckpointRecord.RESTORED);
  }

  @Test
  void withoutCheckpointsNoMarkerIsRecorded() {
    fleet.worker("w1", "0001").start();
    fleet
        .newPipeline("no-checkpoints", Duration.ofMinutes(1))
        .run(pipeline(stage("download"), stage("upload")));
    assertThat(
            fleet.client().fetchHistory("no-checkpoints").getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().toString())
                .filter(d -> d.contains(Checkpoints.CHANGE_ID)))
        .isEmpty();
  }

  private PipelineResult run(String name) throws Exception {
    String workflowId = "history-" + name;
    PipelineWorkflow pipeline = fleet.newPipeline(workflowId, Duration.ofMinutes(2));
    PipelineResult result = pipeline.run(spec());
    if (Boolean.getBoolean("locality.recordHistories")) {
      WorkflowExecutionHistory history = fleet.client().fetchHistory(workflowId);
      Files.createDirectories(Path.of(HISTORIES));
      Files.writeString(Path.of(HISTORIES, name + ".json"), history.toJson(true));
    }
    return result;
  }

  private String runIdOf(PipelineResult result) {
    String location = result.checkpoints().get(0).location();
    String afterWorkflow = location.substring((STORE + "history-checkpoint-restore/").length());
    return afterWorkflow.substring(0, afterWorkflow.indexOf('/') + 1);
  }

  private long scheduled(String workflowId, String activityType) {
    WorkflowClient client = fleet.client();
    return client.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals(activityType))
        .count();
  }

  private static List<String> types(List<StageInvocation> invocations) {
    return invocations.stream().map(i -> i.stage().type()).toList();
  }
}
