package dev.locality.workflows;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions of a pipeline naming a resource pool open only on that pool's workers. */
class PoolRoutingTest {
  private static final SessionSpec FAST =
      new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofMillis(300));

  private FakeFleet fleet;

  @BeforeEach
  void setUp() {
    fleet = FakeFleet.start();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  @Test
  void aPoolWithoutWorkersFailsAfterTheCreationTimeoutNamingThePool() {
    FakeWorker idle = fleet.worker("w-default", "0001").start(); // free, but not in pool gpu
    PipelineWorkflow pipeline = fleet.newPipeline("no-gpu", Duration.ofMinutes(5));
    SessionSpec session =
        new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(3), 1, Duration.ofMillis(300))
            .withPool("gpu");

    long started = System.nanoTime();
    Throwable thrown = catchThrowable(() -> pipeline.run(pipeline(session, stage("download"))));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
    ApplicationFailure failure = (ApplicationFailure) thrown.getCause();
    assertThat(failure.getType()).isEqualTo(Failures.NO_WORKER);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("no worker in pool gpu had a free slot within 3s");
    assertThat(tookMillis).isGreaterThanOrEqualTo(2_900);
    assertThat(idle.lease().requests()).isEmpty();
    assertThat(idle.stages().invocations()).isEmpty();
    assertThat(leaseQueues("no-gpu")).containsOnly("locality/pool/gpu");
  }

  @Test
  void eachPipelineRunsOnAWorkerOfItsOwnPool() {
    FakeWorker cpu = fleet.worker("w-default", "0001").start();
    FakeWorker gpu = fleet.worker("w-gpu", "0002", "gpu").start();

    PipelineResult onGpu =
        fleet
            .newPipeline("gpu-run", Duration.ofMinutes(5))
            .run(pipeline(FAST.withPool("gpu"), stage("download")));
    PipelineResult onDefault =
        fleet
            .newPipeline("default-run", Duration.ofMinutes(5))
            .run(pipeline(FAST, stage("download")));

    assertThat(onGpu.workerId()).isEqualTo("w-gpu");
    assertThat(onDefault.workerId()).isEqualTo("w-default");
    assertThat(gpu.lease().requests()).hasSize(1);
    assertThat(cpu.lease().requests()).hasSize(1);
    assertThat(leaseQueues("gpu-run")).containsOnly("locality/pool/gpu");
    // the default pool keeps the shared queue: what histories from before pools recorded
    assertThat(leaseQueues("default-run")).containsOnly("locality");
  }

  @Test
  void aPipelineNamingTheDefaultPoolUsesTheSharedQueue() {
    fleet.worker("w-default", "0001").start();

    PipelineResult result =
        fleet
            .newPipeline("explicit-default", Duration.ofMinutes(5))
            .run(pipeline(FAST.withPool("default"), stage("download")));

    assertThat(result.workerId()).isEqualTo("w-default");
    assertThat(leaseQueues("explicit-default")).containsOnly("locality");
  }

  private List<String> leaseQueues(String workflowId) {
    List<HistoryEvent> events = fleet.client().fetchHistory(workflowId).getEvents();
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals("session-lease"))
        .map(a -> a.getTaskQueue().getName())
        .toList();
  }
}
