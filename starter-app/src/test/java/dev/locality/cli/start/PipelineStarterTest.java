package dev.locality.cli.start;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.session.SessionGrant;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.start.PipelineStarter.Outcome;
import dev.locality.cli.start.PipelineStarter.Started;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idempotent starts by workflow id and spec hash against a real (test) server: a running run of the
 * same spec is attached to, a completed one reported, a failed one replaced, and concurrent starts
 * of one id make one run; a run of another spec, or without a recorded spec hash, is refused.
 */
@Timeout(60)
class PipelineStarterTest {
  private static final String QUEUE = "locality";
  private static final String SPEC_A = "a1".repeat(32);
  private static final String SPEC_B = "b2".repeat(32);

  /** A pipeline stand-in: runs until signalled; a spec named {@code fails} fails when released. */
  public static class HeldPipeline implements PipelineWorkflow {
    private boolean released;

    @Override
    public PipelineResult run(JsonNode spec) {
      Workflow.await(() -> released);
      if ("fails".equals(spec.path("name").asText()))
        throw ApplicationFailure.newNonRetryableFailure("told to fail", "Test");
      return new PipelineResult(
          spec.path("name").asText(), "w", "q", List.of(), List.of(), List.of());
    }

    @Override
    public void sessionReady(SessionGrant grant) {
      released = true;
    }

    @Override
    public void leftover(dev.locality.api.workflow.LeftoverChange change) {}

    @Override
    public List<dev.locality.stage.Leftovers.Leftover> leftovers(int stage) {
      return List.of();
    }

    @Override
    public PipelineStatus status() {
      return new PipelineStatus(released ? "RELEASED" : "HELD", List.of(), List.of());
    }
  }

  private TestServer.PortBoundTestServer server;
  private WorkflowServiceStubs service;
  private WorkflowClient client;
  private WorkerFactory workers;
  private PipelineStarter starter;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = TestServer.createPortBoundServer(port);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    client = WorkflowClient.newInstance(service);
    workers = WorkerFactory.newInstance(client);
    workers.newWorker(QUEUE).registerWorkflowImplementationTypes(HeldPipeline.class);
    workers.start();
    starter = new PipelineStarter(client, QUEUE);
  }

  @AfterEach
  void stop() {
    workers.shutdownNow();
    service.shutdownNow();
    server.close();
  }

  private static PipelineSpec spec(String name) {
    return new PipelineSpec(
        name,
        SessionSpec.DEFAULTS,
        List.of(new StageSpec("download", Map.of("url", "file:///x"), StageTimeouts.DEFAULTS, 3)));
  }

  private void release(String workflowId) throws Exception {
    client.newWorkflowStub(PipelineWorkflow.class, workflowId).sessionReady(null);
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    try {
      stub.getResult(20, TimeUnit.SECONDS, PipelineResult.class);
    } catch (io.temporal.client.WorkflowFailedException expected) {
      // the "fails" pipeline
    }
  }

  @Test
  void aStartWithTheIdOfARunningRunAttachesToIt() {
    Started first = starter.start(spec("daily"), SPEC_A, "daily-1", Map.of());
    Started second = starter.start(spec("daily"), SPEC_A, "daily-1", Map.of());

    assertThat(first.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_RUNNING);
    assertThat(second.runId()).isEqualTo(first.runId());
    assertThat(runsOf("daily-1")).isEqualTo(1);
  }

  @Test
  void concurrentStartsOfOneIdMakeOneRun() throws Exception {
    int clients = 8;
    CyclicBarrier together = new CyclicBarrier(clients);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Started>> starts = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        starts.add(
            pool.submit(
                () -> {
                  together.await();
                  return starter.start(spec("twins"), SPEC_A, "twins-1", Map.of());
                }));
      }
      List<Started> results = new ArrayList<>();
      for (Future<Started> f : starts) results.add(f.get(30, TimeUnit.SECONDS));

      assertThat(results).filteredOn(Started::isNew).hasSize(1);
      assertThat(results)
          .filteredOn(s -> !s.isNew())
          .extracting(Started::outcome)
          .containsOnly(Outcome.ALREADY_RUNNING);
      Set<String> runIds = results.stream().map(Started::runId).collect(Collectors.toSet());
      assertThat(runIds).hasSize(1);
      assertThat(runsOf("twins-1")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStartWithTheIdOfACompletedRunReportsItAndStartsNothing() throws Exception {
    Started first = starter.start(spec("done"), SPEC_A, "done-1", Map.of());
    release("done-1");

    Started again = starter.start(spec("done"), SPEC_A, "done-1", Map.of());

    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_COMPLETED);
    assertThat(again.runId()).isEqualTo(first.runId());
    assertThat(runsOf("done-1")).isEqualTo(1);
  }

  @Test
  void aStartWithTheIdOfAFailedRunStartsANewRun() throws Exception {
    Started first = starter.start(spec("fails"), SPEC_A, "fails-1", Map.of());
    release("fails-1");

    Started again = starter.start(spec("fails"), SPEC_A, "fails-1", Map.of());

    assertThat(again.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(again.runId()).isNotEqualTo(first.runId());
    assertThat(runsOf("fails-1")).isEqualTo(2);
  }

  @Test
  void theSpecHashIsRecordedInTheMemo() {
    starter.start(spec("daily"), SPEC_A, "memo-1", Map.of());

    var memo =
        client
            .newUntypedWorkflowStub("memo-1")
            .describe()
            .getMemo(PipelineStarter.MEMO_SPEC_SHA256, String.class);
    assertThat(memo).isEqualTo(SPEC_A);
  }

  @Test
  void aRunningRunOfAnotherSpecIsRefusedNamingBothHashes() {
    Started first = starter.start(spec("daily"), SPEC_A, "edited-1", Map.of());

    assertThatThrownBy(() -> starter.start(spec("daily"), SPEC_B, "edited-1", Map.of()))
        .isInstanceOfSatisfying(
            SpecConflictException.class,
            e -> {
              assertThat(e.running()).isTrue();
              assertThat(e.runId()).isEqualTo(first.runId());
              assertThat(e.existingSpecSha256()).isEqualTo(SPEC_A);
              assertThat(e.specSha256()).isEqualTo(SPEC_B);
            })
        .hasMessageContaining("pipeline edited-1 (run " + first.runId() + ", running)")
        .hasMessageContaining("spec a1a1a1a1a1a1, not this spec b2b2b2b2b2b2")
        .hasMessageContaining("nothing was started");
    assertThat(runsOf("edited-1")).isEqualTo(1);
  }

  @Test
  void aCompletedRunOfAnotherSpecIsRefused() throws Exception {
    starter.start(spec("done"), SPEC_A, "edited-2", Map.of());
    release("edited-2");

    assertThatThrownBy(() -> starter.start(spec("done"), SPEC_B, "edited-2", Map.of()))
        .isInstanceOfSatisfying(SpecConflictException.class, e -> assertThat(e.running()).isFalse())
        .hasMessageContaining("completed) was started with spec a1a1a1a1a1a1");
    assertThat(runsOf("edited-2")).isEqualTo(1);
  }

  /** A failed run is replaced whatever its spec: nothing is skipped or attached to. */
  @Test
  void aFailedRunIsReplacedByARunOfTheNewSpec() throws Exception {
    starter.start(spec("fails"), SPEC_A, "fixed-1", Map.of());
    release("fixed-1");

    Started again = starter.start(spec("fails"), SPEC_B, "fixed-1", Map.of());

    assertThat(again.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(
            client
                .newUntypedWorkflowStub("fixed-1")
                .describe()
                .getMemo(PipelineStarter.MEMO_SPEC_SHA256, String.class))
        .isEqualTo(SPEC_B);
  }

  @Test
  void aRunWithoutASpecHashIsRefusedUnlessAttachingToUnknownSpecs() {
    WorkflowClient.start(
        client.newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("foreign-1").build())
            ::run,
        SpecDocument.of(spec("daily")));

    assertThatThrownBy(() -> starter.start(spec("daily"), SPEC_A, "foreign-1", Map.of()))
        .isInstanceOfSatisfying(
            SpecConflictException.class, e -> assertThat(e.unknownSpec()).isTrue())
        .hasMessageContaining("was started without a spec hash (memo specSha256")
        .hasMessageContaining("this spec (spec a1a1a1a1a1a1) is unknown");

    Started attached =
        new PipelineStarter(client, QUEUE, true)
            .start(spec("daily"), SPEC_A, "foreign-1", Map.of());
    assertThat(attached.outcome()).isEqualTo(Outcome.ALREADY_RUNNING);
    assertThat(attached.specSha256()).isNull();
    assertThat(runsOf("foreign-1")).isEqualTo(1);
  }

  /** Runs of {@code workflowId} the server knows, open and closed (its legacy list API). */
  private long runsOf(String workflowId) {
    WorkflowExecutionFilter filter =
        WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId).build();
    long open =
        service
            .blockingStub()
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace("default")
                    .setExecutionFilter(filter)
                    .build())
            .getExecutionsCount();
    long closed =
        service
            .blockingStub()
            .listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace("default")
                    .setExecutionFilter(filter)
                    .build())
            .getExecutionsCount();
    return open + closed;
  }
}
