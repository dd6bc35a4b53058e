package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.session.TaskQueues;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.ItWorker;
import dev.locality.it.harness.Pipelines;
import dev.locality.workflows.session.SessionOptions;
import dev.locality.workflows.session.WorkerSession;
import dev.locality.workflows.session.WorkerSessions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failure detection that does not depend on stage length: a worker process killed with SIGKILL is
 * noticed within the session's heartbeat timeout (plus the server's timer granularity), both while
 * the session sits idle between stages and while a stage is running.
 *
 * <p>Between stages, the session is held by a workflow written here, in the test, with the session
 * library alone: it runs on its own task queue in the test JVM, leases a session from the real
 * workers on the shared queue and waits on a long timer racing {@link WorkerSession#lost()}.
 */
// Isolated: it measures detection latency, which another cluster on the same two cores would
// distort.
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DetectionIT {
  private static final String DRIVER_QUEUE = "it-driver";
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration SLACK = Duration.ofSeconds(2);
  private static final String SOURCE = "detect.csv";

  private static ItCluster cluster;
  private static Path source;
  private static WorkerFactory driver;

  /** A workflow that only holds a session, as a workflow author would with the library. */
  @WorkflowInterface
  public interface HoldSessionWorkflow {
    @WorkflowMethod
    HoldOutcome hold(long heartbeatTimeoutMillis);

    /** The worker holding the session, null until granted. */
    @QueryMethod
    String worker();
  }

  /**
   * @param workerId the worker that held the session
   * @param lostAtMillis workflow time at which the loss was seen, 0 if the timer won
   * @param reason the loss reason
   */
  public record HoldOutcome(String workerId, long lostAtMillis, String reason) {}

  public static class HoldSessionWorkflowImpl implements HoldSessionWorkflow {
    private String worker;

    @Override
    public HoldOutcome hold(long heartbeatTimeoutMillis) {
      WorkerSessions sessions = WorkerSessions.registerSignalHandler();
      WorkerSession session =
          sessions.open(
              SessionOptions.newBuilder()
                  .setLeaseTaskQueue(TaskQueues.DEFAULT_SHARED)
                  .setHeartbeatTimeout(Duration.ofMillis(heartbeatTimeoutMillis))
                  .setCreationTimeout(Duration.ofSeconds(30))
                  .build());
      worker = session.workerId();
      Promise.anyOf(Workflow.newTimer(Duration.ofMinutes(10)), session.lost()).get();
      if (!session.isLost()) {
        session.close();
        return new HoldOutcome(worker, 0, null);
      }
      return new HoldOutcome(worker, Workflow.currentTimeMillis(), session.lossReason());
    }

    @Override
    public String worker() {
      return worker;
    }
  }

  @BeforeAll
  static void start() {
    Path data = HarnessPaths.newRunDir("DetectionIT-data");
    source = DataFiles.csv(data, SOURCE, 2_000);
    cluster =
        ItClusters.builder()
            .name("DetectionIT")
            .workers("det-1", "det-2", "det-3")
            .serve(data)
            .start();
    driver = WorkerFactory.newInstance(cluster.client());
    driver
        .newWorker(
            DRIVER_QUEUE,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build())
        .registerWorkflowImplementationTypes(HoldSessionWorkflowImpl.class);
    driver.start();
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.shutdownNow();
      driver.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (cluster != null) cluster.close();
  }

  @Test
  void aWorkerKilledBetweenStagesIsLostWithinTheHeartbeatTimeout() throws Exception {
    WorkflowClient client = cluster.client();
    String workflowId = "it-hold-" + UUID.randomUUID();
    HoldSessionWorkflow hold =
        client.newWorkflowStub(
            HoldSessionWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(DRIVER_QUEUE)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                .build());
    WorkflowClient.start(hold::hold, HEARTBEAT_TIMEOUT.toMillis());
    String holder =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(hold::worker, w -> w != null);
    ItWorker victim = cluster.worker(holder);
    assertThat(victim.isAlive()).isTrue();

    long killedAt = System.currentTimeMillis();
    victim.kill();
    HoldOutcome outcome =
        WorkflowStub.fromTyped(hold).getResult(60, TimeUnit.SECONDS, HoldOutcome.class);

    History history = new Pipelines(client).history(workflowId);
    HistoryEvent timedOut =
        history
            .activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, "session-lease")
            .get(0);
    long byWorkflow = outcome.lostAtMillis() - killedAt;
    long byHistory = History.millis(timedOut) - killedAt;
    String figures =
        "worker=%s kill-to-lost-ms(workflow)=%d kill-to-lease-timeout-ms(history)=%d heartbeatTimeout-ms=%d"
            .formatted(holder, byWorkflow, byHistory, HEARTBEAT_TIMEOUT.toMillis());
    ItSummary.measured("detection-between-stages", figures);

    assertThat(outcome.workerId()).isEqualTo(holder);
    assertThat(outcome.lostAtMillis()).as("the session was lost, not the timer").isPositive();
    assertThat(outcome.reason()).contains("heartbeat timeout");
    assertThat(
            timedOut
                .getActivityTaskTimedOutEventAttributes()
                .getFailure()
                .getTimeoutFailureInfo()
                .getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(history.taskQueueOf(timedOut)).isEqualTo(TaskQueues.DEFAULT_SHARED);
    assertThat(byHistory).isBetween(0L, HEARTBEAT_TIMEOUT.plus(SLACK).toMillis());
    assertThat(byWorkflow).isBetween(0L, HEARTBEAT_TIMEOUT.plus(SLACK).toMillis());
    ItSummary.pass("detection-between-stages", cluster.mode(), figures);
  }

  @Test
  void aWorkerKilledDuringAStageFailsOverAndThePipelineCompletesElsewhere() {
    cluster.origin().throttle(SOURCE, Duration.ofSeconds(6));
    Pipelines pipelines = new Pipelines(cluster.client());
    String workflowId =
        pipelines.start(
            "it-detect-stage",
            Pipelines.parse(
                """
                name: detect-it
                session:
                  heartbeatTimeout: 3s
                  creationTimeout: 30s
                  maxWorkerAttempts: 2
                  failoverBackoff: 500ms
                stages:
                  - type: download
                    url: %s
                    sha256: %s
                    timeouts: {heartbeat: 3s, scheduleToStart: 5s}
                """
                    .formatted(cluster.origin().uri(SOURCE), DataFiles.sha256(source))));
    long getsBefore = cluster.origin().gets(SOURCE);
    // the download is underway on the session's worker: the origin is sending it the body
    PipelineStatus running =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> pipelines.status(workflowId),
                s ->
                    s.stages().size() == 1
                        && "RUNNING".equals(s.stages().get(0).state())
                        && cluster.origin().gets(SOURCE) > getsBefore);
    String victimId = running.stages().get(0).workerId();
    ItWorker victim = cluster.worker(victimId);

    long killedAt = System.currentTimeMillis();
    victim.kill();
    PipelineResult result = pipelines.result(workflowId, Duration.ofSeconds(60));

    SessionRecord lost = result.sessions().get(0);
    History history = pipelines.history(workflowId);
    List<HistoryEvent> timeouts = history.ofType(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
    long byWorkflow = lost.closedAtMillis() - killedAt;
    long byHistory = timeouts.isEmpty() ? -1 : History.millis(timeouts.get(0)) - killedAt;
    String figures =
        "killed=%s completed-on=%s kill-to-failover-ms(session failed, workflow)=%d first-timeout-event-ms(history)=%d (%s) heartbeatTimeout-ms=%d"
            .formatted(
                victimId,
                result.workerId(),
                byWorkflow,
                byHistory,
                timeouts.isEmpty() ? "none" : history.activityTypeOf(timeouts.get(0)),
                HEARTBEAT_TIMEOUT.toMillis());
    ItSummary.measured("detection-during-stage", figures);

    assertThat(result.sessions()).hasSize(2);
    assertThat(lost.workerId()).isEqualTo(victimId);
    assertThat(lost.state()).isEqualTo("FAILED");
    assertThat(lost.failure()).containsAnyOf("heartbeat timeout", "timed out");
    assertThat(result.workerId())
        .isNotEqualTo(victimId)
        .isEqualTo(result.sessions().get(1).workerId());
    assertThat(result.stages())
        .extracting(StageRun::state, StageRun::workerId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("COMPLETED", result.workerId()));
    assertThat(cluster.origin().gets(SOURCE) - getsBefore).isEqualTo(2);
    assertThat(byWorkflow).isBetween(0L, HEARTBEAT_TIMEOUT.plus(SLACK).toMillis());
    ItSummary.pass("detection-during-stage", cluster.mode(), figures);
  }
}
