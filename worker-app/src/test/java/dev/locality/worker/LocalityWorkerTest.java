package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.session.WorkRoot;
import dev.locality.api.converter.LocalityDataConverter;
import dev.locality.api.converter.PayloadKey;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on Temporal's in-process test server (real time): the worker as the jar runs it, with
 * test stages found through ServiceLoader.
 */
class LocalityWorkerTest {
  private static final String QUEUE = "locality-test";
  private static final StageTimeouts TIMEOUTS =
      new StageTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

  @TempDir Path workRoot;

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
        .setWorkRoot(workRoot)
        .setDrainTimeout(Duration.ofSeconds(1));
  }

  private static PipelineSpec twoStages(String text) {
    return new PipelineSpec(
        "two-stages",
        new SessionSpec(Duration.ofSeconds(3), Duration.ofSeconds(30), 3, Duration.ofMillis(200)),
        List.of(
            new StageSpec("test-emit", Map.of("text", text), TIMEOUTS, 3),
            new StageSpec("test-upper", Map.of(), TIMEOUTS, 3)));
  }

  private PipelineWorkflow newPipeline() {
    return client.newWorkflowStub(
        PipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE)
            .setWorkflowId("pipeline-" + UUID.randomUUID())
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }

  private static List<Path> sessionDirs(LocalityWorker worker) throws Exception {
    try (Stream<Path> children = Files.list(worker.workDir())) {
      return children
          .filter(p -> !p.getFileName().toString().equals(WorkRoot.LOCK_FILE))
          .filter(p -> !p.getFileName().toString().equals(WorkRoot.MARKER_FILE))
          .toList();
    }
  }

  @Test
  void runsEveryStageOfAPipelineOnItsUniqueQueueAndCleansUp() throws Exception {
    try (LocalityWorker worker = LocalityWorker.start(client, settings("w-test").build())) {
      assertThat(worker.uniqueQueue()).matches("locality-test@w-test-[0-9a-f]{8}");
      assertThat(worker.stages().types()).contains("test-emit", "test-upper");

      PipelineResult result = newPipeline().run(SpecDocument.of(twoStages("hello")));

      assertThat(result.workerId()).isEqualTo("w-test");
      assertThat(result.taskQueue()).isEqualTo(worker.uniqueQueue());
      assertThat(result.stages())
          .extracting(StageRun::type, StageRun::state, StageRun::taskQueue, StageRun::workerId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "test-emit", "COMPLETED", worker.uniqueQueue(), "w-test"),
              org.assertj.core.groups.Tuple.tuple(
                  "test-upper", "COMPLETED", worker.uniqueQueue(), "w-test"));
      assertThat(result.outputUris()).containsExactly("test:HELLO");
      assertThat(result.sessions())
          .singleElement()
          .extracting(SessionRecord::workerId)
          .isEqualTo("w-test");

      awaitNoOpenSessions(worker);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!sessionDirs(worker).isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(sessionDirs(worker)).isEmpty();
    }
  }

  @Test
  void aWorkflowsOnlyWorkerRunsPipelinesButNeverHoldsASession() throws Exception {
    try (LocalityWorker flows =
        LocalityWorker.start(client, settings("w-flows").setMaxSessions(0).build())) {
      PipelineSpec noWorkerSoon =
          new PipelineSpec(
              "two-stages",
              new SessionSpec(
                  Duration.ofSeconds(3), Duration.ofSeconds(2), 3, Duration.ofMillis(200)),
              twoStages("x").stages());

      // alone, it decides the pipeline (no worker took the session) without taking it itself
      Throwable thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> newPipeline().run(SpecDocument.of(noWorkerSoon)));
      assertThat(thrown).isInstanceOf(io.temporal.client.WorkflowFailedException.class);
      assertThat(thrown.getCause())
          .isInstanceOfSatisfying(
              io.temporal.failure.ApplicationFailure.class,
              f -> assertThat(f.getType()).isEqualTo(dev.locality.api.workflow.Failures.NO_WORKER));
      assertThat(flows.openSessions()).isZero();
      assertThat(sessionDirs(flows)).isEmpty();

      try (LocalityWorker stages = LocalityWorker.start(client, settings("w-stages").build())) {
        PipelineResult result = newPipeline().run(SpecDocument.of(twoStages("hi")));
        assertThat(result.workerId()).isEqualTo("w-stages");
        assertThat(result.outputUris()).containsExactly("test:HI");
      }
      assertThat(flows.openSessions()).isZero();
    }
  }

  @Test
  void aDrainThatTimesOutFailsTheSessionOverToAnotherWorker() throws Exception {
    LocalityWorker blocking =
        LocalityWorker.start(client, settings("w-block").putSetting("test.block", "true").build());
    LocalityWorker other = null;
    try {
      PipelineWorkflow pipeline = newPipeline();
      CompletableFuture<PipelineResult> result =
          WorkflowClient.execute(pipeline::run, SpecDocument.of(twoStages("drain")));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (blocking.openSessions() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(blocking.openSessions()).isEqualTo(1);
      Path sessionDir = blocking.sessions().get(0).dir();

      other = LocalityWorker.start(client, settings("w-other").build());
      blocking.close(); // drain timeout 1 s: the stage never finishes, the session is given up

      assertThat(sessionDir).doesNotExist();
      assertThat(blocking.workDir()).doesNotExist();
      PipelineResult done = result.get(60, TimeUnit.SECONDS);
      assertThat(done.workerId()).isEqualTo("w-other");
      assertThat(done.outputUris()).containsExactly("test:DRAIN");
      assertThat(done.sessions()).hasSize(2);
      assertThat(done.sessions().get(0).workerId()).isEqualTo("w-block");
      assertThat(done.sessions().get(0).failure()).contains("shut down before the session closed");
    } finally {
      blocking.close();
      if (other != null) other.close();
    }
  }

  @Test
  void leftoversALostWorkerRecordedReachTheStageOnTheWorkerThePipelineFailsOverTo()
      throws Exception {
    LocalityWorker lost =
        LocalityWorker.start(
            client, settings("w-lost").putSetting("test.leftover.block", "true").build());
    LocalityWorker other = null;
    try {
      PipelineWorkflow pipeline = newPipeline();
      PipelineSpec spec =
          new PipelineSpec(
              "leftovers",
              twoStages("unused").session(),
              List.of(
                  new StageSpec("test-leftover", Map.of(), TIMEOUTS, 3),
                  new StageSpec("test-upper", Map.of(), TIMEOUTS, 3)));
      CompletableFuture<PipelineResult> result =
          WorkflowClient.execute(pipeline::run, SpecDocument.of(spec));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (lost.openSessions() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
      String lostSession = lost.sessions().get(0).dir().getFileName().toString();
      while (pipeline.leftovers(0).isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(pipeline.leftovers(0))
          .singleElement()
          .extracting(l -> l.id())
          .isEqualTo(lostSession);

      other = LocalityWorker.start(client, settings("w-other").build());
      lost.close(); // drain timeout 1 s: the stage never finishes, its leftover stays recorded

      PipelineResult done = result.get(60, TimeUnit.SECONDS);
      assertThat(done.workerId()).isEqualTo("w-other");
      assertThat(done.outputUris())
          .containsExactly("test:FOUND " + lostSession.toUpperCase(java.util.Locale.ROOT));
      assertThat(pipeline.leftovers(0)).isEmpty();
    } finally {
      lost.close();
      if (other != null) other.close();
    }
  }

  @Test
  void aPipelineStartedWithAnotherPayloadKeyFailsAtOnceNamingBothKeys() throws Exception {
    PayloadKey workerKey = PayloadKey.of(new byte[32]);
    byte[] other = new byte[32];
    other[0] = 1;
    PayloadKey clientKey = PayloadKey.of(other);
    WorkflowClient workerClient = clientWith(workerKey);
    WorkflowClient otherClient = clientWith(clientKey);
    try (LocalityWorker worker = LocalityWorker.start(workerClient, settings("w-key").build())) {
      PipelineWorkflow pipeline =
          otherClient.newWorkflowStub(
              PipelineWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(QUEUE)
                  .setWorkflowId("pipeline-" + UUID.randomUUID())
                  .setWorkflowTaskTimeout(PipelineWorkflow.WORKFLOW_TASK_TIMEOUT)
                  .build());
      CompletableFuture<PipelineResult> result =
          WorkflowClient.execute(pipeline::run, SpecDocument.of(twoStages("secret")));

      Throwable failure = catchThrowable(() -> result.get(30, TimeUnit.SECONDS));

      assertThat(failure).isInstanceOf(java.util.concurrent.ExecutionException.class);
      assertThat(failure.getCause()).isInstanceOf(WorkflowFailedException.class);
      assertThat(failure.getCause())
          .hasStackTraceContaining("encrypted with key id " + clientKey.id())
          .hasStackTraceContaining("holds key id " + workerKey.id());
      assertThat(worker.openSessions()).isZero();
    }
  }

  private WorkflowClient clientWith(PayloadKey key) {
    return WorkflowClient.newInstance(
        env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setDataConverter(LocalityDataConverter.create(key))
            .build());
  }

  @Test
  void aWorkerBelowItsFreeDiskMinimumTakesNoSessionAndIsNotReady() throws Exception {
    try (LocalityWorker full =
            LocalityWorker.start(
                client, settings("w-full").setMinFreeDiskBytes(Long.MAX_VALUE / 2).build());
        LocalityWorker roomy = LocalityWorker.start(client, settings("w-roomy").build())) {
      assertThat(full.readiness().problems())
          .singleElement()
          .asString()
          .startsWith("free disk ")
          .contains("is below the minimum");
      assertThat(roomy.readiness().ready()).isTrue();

      for (int i = 0; i < 2; i++) {
        assertThat(newPipeline().run(SpecDocument.of(twoStages("disk" + i))).workerId())
            .isEqualTo("w-roomy");
      }
      assertThat(full.metrics().get("locality.sessions.opened").counter().count()).isZero();
      assertThat(roomy.metrics().get("locality.sessions.opened").counter().count()).isEqualTo(2);
      assertThat(full.metrics().get("locality.disk.minimum").gauge().value())
          .isEqualTo((double) (Long.MAX_VALUE / 2));
    }
  }

  private static void awaitNoOpenSessions(LocalityWorker worker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (worker.openSessions() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(worker.openSessions()).isZero();
  }
}
