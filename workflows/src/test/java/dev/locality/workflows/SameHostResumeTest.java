package dev.locality.workflows;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.locality.api.session.SessionRequest;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.Artifact;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Same-host resume, the workflow's decisions: a lost session is offered back to its worker id on
 * that id's re-attach queue for {@code reattachTimeout}; a process restarted with that id takes it
 * and reports how many completed stages it found intact, and the pipeline continues after them; no
 * process within the window → the usual failover to another worker. The fake workers stand in for
 * the worker side (which moves and verifies the files; tested in activities and the IT).
 */
class SameHostResumeTest {
  private static final Duration WINDOW = Duration.ofSeconds(3);
  private static final SessionSpec RESUMABLE =
      new SessionSpec(
          Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofMillis(300), WINDOW);

  private FakeFleet fleet;

  @BeforeEach
  void setUp() {
    fleet = FakeFleet.start();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private PipelineWorkflow newPipeline(String workflowId) {
    return fleet.newPipeline(workflowId, Duration.ofMinutes(5));
  }

  private long scheduled(String workflowId, String activityType) {
    return fleet.client().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals(activityType))
        .count();
  }

  @Test
  void aRestartedWorkerReattachesAndTheVerifiedStagesAreNotRunAgain() {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker restarted = fleet.worker("w1", "0002").withReattach(Integer.MAX_VALUE);
    FakeWorker other = fleet.worker("w2", "0003");
    first
        .stages()
        .onDeath(
            () -> {
              restarted.start();
              other.start(); // a free worker exists, yet the session goes back to w1
            });
    PipelineWorkflow pipeline = newPipeline("resume-all");

    PipelineResult result =
        pipeline.run(
            pipeline(
                RESUMABLE,
                stage("download", Map.of("rows", 5)),
                stage("decompress", Map.of("rows", 5)),
                stage("transform-csv", Map.of("rows", 3, "dieOnQueue", "locality@w1-0001")),
                stage("upload", Map.of("uri", "s3://b/out.csv"))));

    assertThat(result.sessions())
        .extracting(
            SessionRecord::attempt,
            SessionRecord::workerId,
            SessionRecord::taskQueue,
            SessionRecord::state)
        .containsExactly(
            tuple(1, "w1", "locality@w1-0001", "FAILED"),
            tuple(2, "w1", "locality@w1-0002", "CLOSED"));
    String lost = result.sessions().get(0).sessionId();
    String resumed = result.sessions().get(1).sessionId();
    // the restarted process ran only the stage that was running at the crash, and the ones after
    assertThat(restarted.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(2, 3);
    assertThat(restarted.stages().invocations().get(0).inputs())
        .extracting(Artifact::path)
        .containsExactly("1-decompress/out.csv");
    assertThat(other.stages().invocations()).isEmpty();
    assertThat(scheduled("resume-all", "download")).isEqualTo(1);
    assertThat(scheduled("resume-all", "decompress")).isEqualTo(1);
    assertThat(scheduled("resume-all", "transform-csv")).isEqualTo(2);
    assertThat(result.stages())
        .extracting(StageRun::index, StageRun::state, StageRun::sessionId)
        .containsExactly(
            tuple(0, "COMPLETED", lost),
            tuple(1, "COMPLETED", lost),
            tuple(2, "COMPLETED", resumed),
            tuple(3, "COMPLETED", resumed));
    assertThat(result.outputUris()).containsExactly("s3://b/out.csv");
    // the offer: the lost session and the results of its two completed stages, on w1's own queue
    SessionRequest offer = restarted.lease().requests().get(0);
    assertThat(offer.reattach().previousSessionId()).isEqualTo(lost);
    assertThat(offer.reattach().completedStages()).hasSize(2);
    assertThat(offer.reattach().completedStages().get(1).outputs())
        .extracting(Artifact::path)
        .containsExactly("1-decompress/out.csv");
    assertThat(offer.reattachWindow()).isEqualTo(WINDOW);
    assertThat(first.lease().requests())
        .singleElement()
        .satisfies(r -> assertThat(r.reattachWindow()).isEqualTo(WINDOW));
    assertThat(leaseQueues("resume-all"))
        .containsExactly("locality", TaskQueues.reattach("locality", "w1"));
  }

  @Test
  void aStageWhoseOutputsDifferRunsAgainWithEveryLaterStage() {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker restarted = fleet.worker("w1", "0002").withReattach(1); // stage 1's outputs differ
    first.stages().onDeath(restarted::start);
    PipelineWorkflow pipeline = newPipeline("resume-partly");

    PipelineResult result =
        pipeline.run(
            pipeline(
                RESUMABLE,
                stage("download"),
                stage("decompress"),
                stage("transform-csv", Map.of("rows", 3, "dieOnQueue", "locality@w1-0001")),
                stage("upload")));

    assertThat(restarted.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(1, 2, 3);
    assertThat(restarted.stages().invocations().get(0).inputs())
        .extracting(Artifact::path)
        .containsExactly("0-download/out.csv");
    assertThat(scheduled("resume-partly", "download")).isEqualTo(1);
    assertThat(scheduled("resume-partly", "decompress")).isEqualTo(2);
    String resumed = result.sessions().get(1).sessionId();
    assertThat(result.stages())
        .extracting(StageRun::sessionId)
        .containsExactly(result.sessions().get(0).sessionId(), resumed, resumed, resumed);
    assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
  }

  @Test
  void noProcessOfTheWorkerWithinTheWindowFailsOverToAnotherWorkerFromTheFirstStage() {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker other = fleet.worker("w2", "0002");
    long[] diedAt = new long[1];
    first
        .stages()
        .onDeath(
            () -> {
              diedAt[0] = System.currentTimeMillis();
              other.start();
            });
    PipelineWorkflow pipeline = newPipeline("resume-window");

    PipelineResult result =
        pipeline.run(
            pipeline(
                RESUMABLE,
                stage("download"),
                stage("decompress", Map.of("dieOn", "w1")),
                stage("transform-csv", Map.of("rows", 7))));

    assertThat(result.workerId()).isEqualTo("w2");
    List<SessionRecord> sessions = result.sessions();
    assertThat(sessions)
        .extracting(SessionRecord::attempt, SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            tuple(1, "w1", "FAILED"), tuple(2, null, "FAILED"), tuple(2, "w2", "CLOSED"));
    assertThat(sessions.get(1).failure())
        .isEqualTo(
            "no process of the worker re-attached session "
                + sessions.get(0).sessionId()
                + " within 3s");
    // the failover waited out the window, then went to another worker as without the option
    assertThat(sessions.get(2).openedAtMillis() - diedAt[0])
        .isGreaterThanOrEqualTo(WINDOW.toMillis());
    assertThat(other.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(0, 1, 2);
    assertThat(other.lease().requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.avoidWorkers()).containsExactly("w1");
              assertThat(r.reattach()).isNull();
            });
    assertThat(leaseQueues("resume-window"))
        .containsExactly("locality", TaskQueues.reattach("locality", "w1"), "locality");
  }

  @Test
  void aRestartedProcessWithoutTheFilesDeclinesAndThePipelineFailsOver() {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker emptyDisk = fleet.worker("w1", "0002").withReattach(-1);
    FakeWorker other = fleet.worker("w2", "0003");
    first
        .stages()
        .onDeath(
            () -> {
              emptyDisk.start();
              other.start();
            });
    PipelineWorkflow pipeline = newPipeline("resume-no-files");

    PipelineResult result =
        pipeline.run(
            pipeline(
                RESUMABLE,
                stage("download"),
                stage("decompress", Map.of("dieOn", "w1")),
                stage("transform-csv")));

    assertThat(result.workerId()).isIn("w1", "w2");
    assertThat(emptyDisk.lease().declines()).isPositive();
    assertThat(result.sessions().get(1).state()).isEqualTo("FAILED");
    assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
    assertThat(result.stages())
        .extracting(StageRun::sessionId)
        .containsOnly(result.sessions().get(2).sessionId());
  }

  @Test
  void withoutTheOptionALostSessionIsNotOfferedBack() {
    FakeWorker first = fleet.worker("w1", "0001").start();
    FakeWorker restarted = fleet.worker("w1", "0002").withReattach(Integer.MAX_VALUE);
    first.stages().onDeath(restarted::start);
    PipelineWorkflow pipeline = newPipeline("resume-off");

    PipelineResult result =
        pipeline.run(
            pipeline(
                stage("download"), stage("decompress", Map.of("dieOnQueue", "locality@w1-0001"))));

    assertThat(leaseQueues("resume-off")).containsOnly("locality");
    assertThat(restarted.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(0, 1);
    assertThat(restarted.lease().requests())
        .allSatisfy(
            r -> {
              assertThat(r.reattach()).isNull();
              assertThat(r.reattachWindow()).isNull();
            });
    assertThat(result.sessions()).hasSize(2);
    List<HistoryEvent> events = fleet.client().fetchHistory("resume-off").getEvents();
    assertThat(events)
        .noneMatch(
            e ->
                e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
                    && e.toString().contains("same-host-resume"));
  }

  /** The task queue of every session lease the workflow scheduled, in order. */
  private List<String> leaseQueues(String workflowId) {
    return fleet.client().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals("session-lease"))
        .map(a -> a.getTaskQueue().getName())
        .toList();
  }
}
