package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerRegistryWorkflow;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource pools end to end on Temporal's in-process test server (real time): real workers, one in
 * the default pool, one only in pool {@code gpu} with one slot; and the worker registry they report
 * to.
 */
class WorkerPoolsTest {
  private static final String QUEUE = "locality-pools";
  private static final StageTimeouts TIMEOUTS =
      new StageTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

  @TempDir Path tmp;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private WorkerConfig.Builder settings(String workerId) {
    return WorkerConfig.newBuilder()
        .setSharedQueue(QUEUE)
        .setWorkerId(workerId)
        .setWorkRoot(tmp.resolve(workerId))
        .setDrainTimeout(Duration.ofSeconds(1));
  }

  private static PipelineSpec emit(String pool, Duration creationTimeout) {
    return new PipelineSpec(
        "emit",
        new SessionSpec(Duration.ofSeconds(3), creationTimeout, 1, Duration.ofMillis(200))
            .withPool(pool),
        List.of(new StageSpec("test-emit", Map.of("text", "x"), TIMEOUTS, 1)));
  }

  private PipelineWorkflow newPipeline(String id) {
    return client.newWorkflowStub(
        PipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE)
            .setWorkflowId(id)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }

  private WorkerListing registry() {
    return client
        .newWorkflowStub(WorkerRegistryWorkflow.class, WorkerRegistryWorkflow.workflowId(QUEUE))
        .workers();
  }

  private static WorkerEntry entry(WorkerListing listing, String workerId) {
    return listing.workers().stream()
        .filter(e -> e.report().workerId().equals(workerId))
        .findFirst()
        .orElse(null);
  }

  @Test
  void aFullPoolTakesNoSecondSessionWhileTheDefaultPoolStillServes() {
    LocalityWorker flows =
        LocalityWorker.start(client, settings("w-flows").setMaxSessions(0).build());
    try (LocalityWorker cpu = LocalityWorker.start(client, settings("w-cpu").build());
        LocalityWorker gpu =
            LocalityWorker.start(
                client,
                settings("w-gpu").addPool("gpu", 1).putSetting("test.block", "true").build())) {
      assertThat(gpu.settings().pools()).containsExactlyEntriesOf(Map.of("gpu", 1));

      // the gpu worker's only slot is taken by a pipeline whose stage blocks
      WorkflowClient.start(
          newPipeline("gpu-1")::run, SpecDocument.of(emit("gpu", Duration.ofMinutes(1))));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> gpu.pools().equals(List.of(new PoolReport("gpu", 1, 1))));

      // a second gpu pipeline finds no free slot in its pool, although w-cpu is idle
      Throwable thrown =
          catchThrowable(
              () -> newPipeline("gpu-2").run(SpecDocument.of(emit("gpu", Duration.ofSeconds(3)))));
      assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
      ApplicationFailure failure = (ApplicationFailure) thrown.getCause();
      assertThat(failure.getType()).isEqualTo(Failures.NO_WORKER);
      assertThat(failure.getOriginalMessage())
          .isEqualTo("no worker in pool gpu had a free slot within 3s");

      // a default pipeline never lands on the gpu-only worker
      PipelineResult onDefault =
          newPipeline("cpu-1").run(SpecDocument.of(emit(null, Duration.ofSeconds(30))));
      assertThat(onDefault.workerId()).isEqualTo("w-cpu");
      assertThat(gpu.openSessions()).isEqualTo(1); // still only the blocked gpu pipeline

      // both workers report themselves, with their pools and the slots in use
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                WorkerListing listing = registry();
                WorkerEntry g = entry(listing, "w-gpu");
                WorkerEntry c = entry(listing, "w-cpu");
                assertThat(g).isNotNull();
                assertThat(c).isNotNull();
                assertThat(g.state()).isEqualTo(WorkerEntry.LIVE);
                assertThat(g.report().pools()).containsExactly(new PoolReport("gpu", 1, 1));
                assertThat(g.report().uniqueQueue()).isEqualTo(gpu.uniqueQueue());
                assertThat(c.state()).isEqualTo(WorkerEntry.LIVE);
                assertThat(c.report().pools()).containsExactly(new PoolReport("default", 4, 0));
                assertThat(c.report().version()).isEqualTo(LocalityWorker.version());
              });
      client.newUntypedWorkflowStub("gpu-1").cancel();
    }
    // both said goodbye when they closed; the workflows-only worker answers the query
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              WorkerListing after = registry();
              assertThat(entry(after, "w-gpu").state())
                  .isIn(WorkerEntry.STOPPING, WorkerEntry.STOPPED);
              assertThat(entry(after, "w-cpu").state())
                  .isIn(WorkerEntry.STOPPING, WorkerEntry.STOPPED);
              assertThat(entry(after, "w-flows").state()).isEqualTo(WorkerEntry.LIVE);
              assertThat(entry(after, "w-flows").report().pools()).isEmpty();
            });
    flows.close();
  }

  @Test
  void aWorkerInTwoPoolsCountsEachPoolsSlotsApart() {
    try (LocalityWorker both =
        LocalityWorker.start(
            client,
            settings("w-both")
                .addPool("gpu", 1)
                .addPool("default", 1)
                .putSetting("test.block", "true")
                .build())) {
      assertThat(both.settings().totalSessionSlots()).isEqualTo(2);
      WorkflowClient.start(
          newPipeline("both-gpu")::run, SpecDocument.of(emit("gpu", Duration.ofMinutes(1))));
      WorkflowClient.start(
          newPipeline("both-default")::run, SpecDocument.of(emit(null, Duration.ofMinutes(1))));

      // one session in each pool at once, on the one worker: a full gpu slot does not block default
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  both.pools()
                      .equals(
                          List.of(new PoolReport("gpu", 1, 1), new PoolReport("default", 1, 1))));
      assertThat(both.openSessions()).isEqualTo(2);

      // and a third pipeline in either pool finds no free slot
      Throwable thrown =
          catchThrowable(
              () ->
                  newPipeline("both-more").run(SpecDocument.of(emit(null, Duration.ofSeconds(2)))));
      assertThat(((ApplicationFailure) thrown.getCause()).getOriginalMessage())
          .isEqualTo("no worker with a free session slot within 2s");
      client.newUntypedWorkflowStub("both-gpu").cancel();
      client.newUntypedWorkflowStub("both-default").cancel();
    }
  }
}
