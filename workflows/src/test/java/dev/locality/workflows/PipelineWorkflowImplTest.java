package dev.locality.workflows;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.api.workflow.StageRun;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import dev.locality.workflows.testing.Specs;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelineWorkflowImplTest {
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

  private PipelineWorkflow newPipeline(String workflowId) {
    return fleet.newPipeline(workflowId, Duration.ofMinutes(10));
  }

  private static ApplicationFailure failureOf(Runnable run) {
    Throwable thrown = catchThrowable(run::run);
    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }

  @Test
  void runsEveryStageOnTheSameWorkerAndReportsItsMetricsAndOutputs() {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    PipelineWorkflow pipeline = newPipeline("happy");

    PipelineResult result =
        pipeline.run(
            pipeline(
                stage("download", Map.of("rows", 0)),
                stage("transform-csv", Map.of("rows", 42)),
                stage("upload", Map.of("uri", "s3://bucket/out.csv"))));

    assertThat(result.name()).isEqualTo("test-pipeline");
    assertThat(result.workerId()).isEqualTo("w1");
    assertThat(result.taskQueue()).isEqualTo("locality@w1-0001");
    assertThat(result.stages())
        .extracting(StageRun::type, StageRun::state, StageRun::taskQueue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("download", "COMPLETED", "locality@w1-0001"),
            org.assertj.core.groups.Tuple.tuple("transform-csv", "COMPLETED", "locality@w1-0001"),
            org.assertj.core.groups.Tuple.tuple("upload", "COMPLETED", "locality@w1-0001"));
    assertThat(result.stages().get(1).metrics().rowsOut()).isEqualTo(42);
    assertThat(result.stages().get(1).metrics().bytesIn()).isEqualTo(100); // stage 0's output
    assertThat(result.stages())
        .allSatisfy(
            run -> assertThat(run.endedAtMillis()).isGreaterThanOrEqualTo(run.startedAtMillis()));
    assertThat(result.outputUris()).containsExactly("s3://bucket/out.csv");
    assertThat(result.sessions()).hasSize(1);
    SessionRecord session = result.sessions().get(0);
    assertThat(session.state()).isEqualTo("CLOSED");
    assertThat(session.workerId()).isEqualTo("w1");
    assertThat(session.attempt()).isEqualTo(1);

    List<StageInvocation> calls = w1.stages().invocations();
    assertThat(calls).extracting(StageInvocation::sessionId).containsOnly(session.sessionId());
    assertThat(calls.get(1).inputs())
        .extracting(a -> a.path())
        .containsExactly("0-download/out.csv");
    assertThat(calls.get(0).pipeline().workflowId()).isEqualTo("happy");
    assertThat(pipeline.status().state()).isEqualTo("COMPLETED");
  }

  @Test
  void rerunsThePipelineFromTheFirstStageOnAnotherWorkerWhenTheWorkerDies() {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    FakeWorker w2 = fleet.worker("w2", "0002");
    w1.stages().onDeath(w2::start); // w2 comes up once w1 is dead, so w1 surely gets session #1
    PipelineWorkflow pipeline = newPipeline("failover");

    PipelineResult result =
        pipeline.run(
            pipeline(
                stage("download"),
                stage("decompress", Map.of("dieOn", "w1")),
                stage("transform-csv", Map.of("rows", 7))));

    assertThat(result.workerId()).isEqualTo("w2");
    assertThat(result.taskQueue()).isEqualTo("locality@w2-0002");
    assertThat(result.stages()).extracting(StageRun::workerId).containsOnly("w2");
    assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
    assertThat(result.sessions())
        .extracting(SessionRecord::attempt, SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "w1", "FAILED"),
            org.assertj.core.groups.Tuple.tuple(2, "w2", "CLOSED"));
    assertThat(result.sessions().get(0).failure())
        .isEqualTo("worker lost (session lease heartbeat timeout)");
    assertThat(result.sessions().get(1).failure()).isNull();

    assertThat(w1.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(0, 1);
    assertThat(w2.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(0, 1, 2);
    assertThat(w2.lease().requests())
        .singleElement()
        .satisfies(request -> assertThat(request.avoidWorkers()).containsExactly("w1"));
    List<HistoryEvent> events = client.fetchHistory("failover").getEvents();
    assertThat(events).noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED);
  }

  @Test
  void requestsTheNextSessionAtOnceAfterALostWorkerAndWaitsTheBackoffOnTheSecondFailover() {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    FakeWorker w2 = fleet.worker("w2", "0002");
    FakeWorker w3 = fleet.worker("w3", "0003");
    w1.stages().onDeath(w2::start);
    w2.stages().onDeath(w3::start);
    Duration backoff = Duration.ofSeconds(3);
    SessionSpec session =
        new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, backoff);

    PipelineResult result =
        newPipeline("lost-twice")
            .run(
                pipeline(
                    session,
                    stage("download", Map.of("dieOn", "w1")),
                    stage("decompress", Map.of("dieOn", "w2")),
                    stage("transform-csv")));

    assertThat(result.workerId()).isEqualTo("w3");
    assertThat(result.sessions())
        .extracting(SessionRecord::workerId, SessionRecord::state, SessionRecord::failure)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "w1", "FAILED", "worker lost (session lease heartbeat timeout)"),
            org.assertj.core.groups.Tuple.tuple(
                "w2", "FAILED", "worker lost (session lease heartbeat timeout)"),
            org.assertj.core.groups.Tuple.tuple("w3", "CLOSED", null));
    List<HistoryEvent> events = client.fetchHistory("lost-twice").getEvents();
    List<HistoryEvent> leases = leasesScheduled(events);
    assertThat(leases).hasSize(3);
    HistoryEvent lost1 = leaseTimedOut(events, leases.get(0));
    HistoryEvent lost2 = leaseTimedOut(events, leases.get(1));
    // first failover: no timer, the next lease is asked for at once (test server time)
    assertThat(timersStarted(events, lost1, leases.get(1))).isEmpty();
    assertThat(millisBetween(lost1, leases.get(1))).isLessThan(2_000); // the 2 s of the target
    // second failover: the backoff, in full
    assertThat(timersStarted(events, lost2, leases.get(2))).containsExactly(backoff);
    assertThat(millisBetween(lost2, leases.get(2))).isGreaterThanOrEqualTo(backoff.toMillis());
    // the version check: one marker, recorded before the first lease, none on a failover path
    assertThat(versionMarkers(events))
        .singleElement()
        .satisfies(m -> assertThat(m.getEventId()).isLessThan(leases.get(0).getEventId()));
  }

  /** The version markers the history holds for the backoff skip's change id. */
  private static List<HistoryEvent> versionMarkers(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .filter(e -> e.getMarkerRecordedEventAttributes().getMarkerName().equals("Version"))
        .filter(
            e ->
                e.getMarkerRecordedEventAttributes()
                    .getDetailsMap()
                    .get("changeId")
                    .toString()
                    .contains("failover-no-backoff-after-lost-worker"))
        .toList();
  }

  private static List<HistoryEvent> leasesScheduled(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(
            e ->
                e.getActivityTaskScheduledEventAttributes()
                    .getActivityType()
                    .getName()
                    .equals(SessionLeaseActivity.TYPE))
        .toList();
  }

  private static HistoryEvent leaseTimedOut(List<HistoryEvent> events, HistoryEvent lease) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
        .filter(
            e ->
                e.getActivityTaskTimedOutEventAttributes().getScheduledEventId()
                    == lease.getEventId())
        .findFirst()
        .orElseThrow(() -> new AssertionError("lease " + lease.getEventId() + " did not time out"));
  }

  /** The durations of the timers started after {@code from} and before {@code to}. */
  private static List<Duration> timersStarted(
      List<HistoryEvent> events, HistoryEvent from, HistoryEvent to) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .filter(e -> e.getEventId() > from.getEventId() && e.getEventId() < to.getEventId())
        .map(e -> e.getTimerStartedEventAttributes().getStartToFireTimeout())
        .map(d -> Duration.ofSeconds(d.getSeconds(), d.getNanos()))
        .toList();
  }

  /** Time between two events by the server's clock. */
  private static long millisBetween(HistoryEvent from, HistoryEvent to) {
    return millis(to) - millis(from);
  }

  private static long millis(HistoryEvent event) {
    return event.getEventTime().getSeconds() * 1_000 + event.getEventTime().getNanos() / 1_000_000;
  }

  @Test
  void failsAtOnceWithTheStageMessageOnBadInputAndClosesTheSession() {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    PipelineWorkflow pipeline = newPipeline("bad-input");

    ApplicationFailure failure =
        failureOf(
            () ->
                pipeline.run(
                    pipeline(
                        stage("download"),
                        stage("transform-csv", Map.of("fail", "bad-input")),
                        stage("upload"))));

    assertThat(failure.getType()).isEqualTo(Failures.BAD_INPUT);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("stage 1 (transform-csv): column 'stat' is unknown");
    PipelineStatus status = pipeline.status();
    assertThat(status.state()).isEqualTo("FAILED");
    assertThat(status.sessions())
        .singleElement()
        .extracting(SessionRecord::state)
        .isEqualTo("CLOSED");
    assertThat(status.stages())
        .extracting(StageRun::state)
        .containsExactly("COMPLETED", "FAILED", "PENDING");
    assertThat(status.stages().get(1).failure()).contains("column 'stat' is unknown");
    assertThat(w1.stages().invocations()).hasSize(2); // no retry, no failover
    assertLeasesClosed("bad-input", w1, status.sessions());
  }

  @Test
  void closesTheSessionWhenThePipelineSucceeds() {
    FakeWorker w1 = fleet.worker("w1", "0001").start();

    PipelineResult result = newPipeline("closes").run(pipeline(stage("download")));

    assertLeasesClosed("closes", w1, result.sessions());
  }

  private void assertLeasesClosed(
      String workflowId, FakeWorker fake, List<SessionRecord> sessions) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    Set<Long> leases =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals(SessionLeaseActivity.TYPE))
            .map(HistoryEvent::getEventId)
            .collect(Collectors.toSet());
    Set<Long> cancelRequested =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
            .map(e -> e.getActivityTaskCancelRequestedEventAttributes().getScheduledEventId())
            .collect(Collectors.toSet());
    assertThat(leases).isNotEmpty();
    assertThat(cancelRequested).containsAll(leases);
    Set<String> ids = sessions.stream().map(SessionRecord::sessionId).collect(Collectors.toSet());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(fake.lease().closedByWorkflow()).containsAll(ids));
  }

  @Test
  void failsWithEveryAttemptListedWhenEverySessionFails() {
    FakeWorker w1 =
        fleet.worker("w1", "0001").start(); // a lone worker: it must serve every attempt
    PipelineWorkflow pipeline = newPipeline("exhausted");

    ApplicationFailure failure =
        failureOf(
            () ->
                pipeline.run(
                    pipeline(
                        stage("download"), stage("transform-csv", Map.of("fail", "transient")))));

    String reason = "stage 1 (transform-csv) failed, retries on this worker exhausted: disk full";
    assertThat(failure.getType()).isEqualTo(Failures.ATTEMPTS_EXHAUSTED);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "pipeline failed after 3 sessions: #1 worker w1: "
                + reason
                + "; #2 worker w1: "
                + reason
                + "; #3 worker w1: "
                + reason);
    PipelineStatus status = pipeline.status();
    assertThat(status.state()).isEqualTo("FAILED");
    assertThat(status.sessions())
        .extracting(SessionRecord::attempt, SessionRecord::state, SessionRecord::failure)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "FAILED", reason),
            org.assertj.core.groups.Tuple.tuple(2, "FAILED", reason),
            org.assertj.core.groups.Tuple.tuple(3, "FAILED", reason));
    // attempts 2 and 3: declined twice each (w1 is to be avoided), then asked without avoid list
    assertThat(w1.lease().declines()).isEqualTo(4);
    assertThat(w1.lease().requests())
        .extracting(r -> r.attempt() + ":" + r.avoidWorkers())
        .containsExactly("1:[]", "2:[w1]", "2:[w1]", "2:[]", "3:[w1]", "3:[w1]", "3:[]");
    // in-place retries: maxAttempts 2 per session
    assertThat(w1.stages().invocations())
        .extracting(StageInvocation::stageIndex)
        .containsExactly(
            0, 1, 1, 0, 1, 1, 0, 1,
            1); // a worker that fails the work is no lost worker: both failovers wait the backoff
    List<HistoryEvent> events = client.fetchHistory("exhausted").getEvents();
    List<HistoryEvent> leases = leasesScheduled(events);
    assertThat(timersStarted(events, events.get(0), leases.get(leases.size() - 1)))
        .containsExactly(Duration.ofMillis(300), Duration.ofMillis(300));
  }

  @Test
  void failsWhenNoWorkerHasAFreeSessionSlotWithinTheCreationTimeout() {
    PipelineWorkflow pipeline = newPipeline("no-worker");
    SessionSpec session =
        new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, Duration.ofMillis(300));

    ApplicationFailure failure =
        failureOf(() -> pipeline.run(pipeline(session, stage("download"))));

    assertThat(failure.getType()).isEqualTo(Failures.NO_WORKER);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("no worker with a free session slot within 2s");
    assertThat(pipeline.status().sessions())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.state()).isEqualTo("FAILED");
              assertThat(s.workerId()).isNull();
            });
  }

  @Test
  void failsWithEveryAttemptListedWhenTheOnlyWorkerDiedAndNoneComesBack() {
    FakeWorker w1 = fleet.worker("w1", "0001").start();
    PipelineWorkflow pipeline = newPipeline("all-dead");
    SessionSpec session =
        new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, Duration.ofMillis(300));

    ApplicationFailure failure =
        failureOf(() -> pipeline.run(pipeline(session, stage("download", Map.of("dieOn", "w1")))));

    assertThat(failure.getType()).isEqualTo(Failures.ATTEMPTS_EXHAUSTED);
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "pipeline failed after 3 sessions:"
                + " #1 worker w1: worker lost (session lease heartbeat timeout);"
                + " #2 no worker: no worker with a free session slot within 2s;"
                + " #3 no worker: no worker with a free session slot within 2s");
    assertThat(pipeline.status().sessions())
        .extracting(SessionRecord::attempt, SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "w1", "FAILED"),
            org.assertj.core.groups.Tuple.tuple(2, null, "FAILED"),
            org.assertj.core.groups.Tuple.tuple(3, null, "FAILED"));
    assertThat(w1.stages().invocations()).hasSize(1);
  }

  @Test
  void reportsWaitingForWorkerWhileNoWorkerHasTakenTheLease() {
    PipelineWorkflow pipeline = newPipeline("waiting");
    JsonNode spec = pipeline(Specs.FAST_SESSION, stage("download"));
    WorkflowClient.start(pipeline::run, spec);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              PipelineStatus status = pipeline.status();
              assertThat(status.state()).isEqualTo("WAITING_FOR_WORKER");
              assertThat(status.sessions())
                  .singleElement()
                  .extracting(SessionRecord::state)
                  .isEqualTo("WAITING");
            });
    fleet.worker("w1", "0001").start();
    PipelineResult result = client.newWorkflowStub(PipelineWorkflow.class, "waiting").run(spec);
    assertThat(result.workerId()).isEqualTo("w1");
  }
}
