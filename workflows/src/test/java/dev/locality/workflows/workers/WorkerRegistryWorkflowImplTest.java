package dev.locality.workflows.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerRegistryWorkflow;
import dev.locality.api.workers.WorkerReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerRegistryWorkflowImplTest {
  private static final String QUEUE = "registry-test";
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(); // time skipping: the registry's clock jumps
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(WorkerRegistryWorkflowImpl.class);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static WorkerReport report(String id, String queue, boolean stopping, int open) {
    return new WorkerReport(
        id, "host-" + id, "1.2.3", queue, List.of(new PoolReport("gpu", 2, open)), 0L, stopping);
  }

  private void send(WorkerReport report) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            WorkerRegistryWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkerRegistryWorkflow.workflowId(QUEUE))
                .setTaskQueue(QUEUE)
                .build());
    stub.signalWithStart("workerReport", new Object[] {report}, new Object[] {List.of()});
  }

  private WorkerListing listing() {
    return client
        .newWorkflowStub(WorkerRegistryWorkflow.class, WorkerRegistryWorkflow.workflowId(QUEUE))
        .workers();
  }

  @Test
  void aWorkerThatStopsReportingIsGoneAndOneThatSaidGoodbyeIsStopped() {
    send(report("a", "q@a-1", false, 1));
    send(report("b", "q@b-1", false, 0));
    send(report("c", "q@c-1", true, 0));

    WorkerListing now = listing();
    assertThat(now.goneAfterMillis()).isEqualTo(15_000);
    assertThat(now.workers())
        .extracting(e -> e.report().workerId(), WorkerEntry::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "live"),
            org.assertj.core.groups.Tuple.tuple("b", "live"),
            org.assertj.core.groups.Tuple.tuple("c", "stopping"));
    assertThat(now.workers().get(0).report().pools())
        .singleElement()
        .satisfies(p -> assertThat(p.freeSlots()).isEqualTo(1));

    env.sleep(Duration.ofSeconds(16));
    send(report("a", "q@a-1", false, 2)); // only a keeps reporting

    WorkerListing later = listing();
    assertThat(later.workers())
        .extracting(e -> e.report().workerId(), WorkerEntry::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "live"),
            org.assertj.core.groups.Tuple.tuple("b", "gone"),
            org.assertj.core.groups.Tuple.tuple("c", "stopped"));
    assertThat(later.workers().get(0).report().pools().get(0).openSessions()).isEqualTo(2);

    env.sleep(Duration.ofMinutes(11));
    send(report("a", "q@a-1", false, 0));
    assertThat(listing().workers()).extracting(e -> e.report().workerId()).containsExactly("a");
  }

  @Test
  void twoProcessesWithOneWorkerIdAreListedApart() {
    send(report("a", "q@a-1", false, 0));
    send(report("a", "q@a-2", false, 0));
    assertThat(listing().workers())
        .extracting(e -> e.report().uniqueQueue())
        .containsExactly("q@a-1", "q@a-2");
  }

  @Test
  void continuesAsNewWithItsEntriesOnceTheHistoryIsLong() {
    for (int i = 0; i < WorkerRegistryWorkflowImpl.MAX_HISTORY_EVENTS + 20; i++)
      send(report("w" + (i % 3), "q@w" + (i % 3), false, i % 2));
    WorkerListing listing = listing();
    assertThat(listing.workers()).hasSize(3);
    assertThat(listing.workers()).allMatch(e -> e.state().equals("live"));
    // the run that holds them is a later one, started fresh: the first continued as new with
    // its entries once its history was long
    int currentRunEvents =
        client.fetchHistory(WorkerRegistryWorkflow.workflowId(QUEUE)).getEvents().size();
    assertThat(currentRunEvents).isLessThan(WorkerRegistryWorkflowImpl.MAX_HISTORY_EVENTS);
  }

  /**
   * Rolling-deploy safety for the registry: a committed history (recorded with {@link
   * #recordHistory} from this code: reports from three workers, one stopping, and queries) replays
   * against the current implementation. A change to what the registry records must keep it
   * replaying (or go behind {@code Workflow.getVersion}).
   */
  @Test
  void theCommittedRegistryHistoryReplays() throws Exception {
    String json;
    try (var in = getClass().getResourceAsStream("/histories/registry/reports.json")) {
      assertThat(in).as("committed history").isNotNull();
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    var recorded = io.temporal.common.WorkflowExecutionHistory.fromJson(json);
    assertThat(recorded.getEvents())
        .filteredOn(
            e ->
                e.getEventType()
                    == io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .hasSizeGreaterThanOrEqualTo(4);
    io.temporal.testing.WorkflowReplayer.replayWorkflowExecution(
        recorded, WorkerRegistryWorkflowImpl.class);
  }

  /** Writes the history {@link #theCommittedRegistryHistoryReplays} replays; run by hand. */
  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(
      named = "locality.recordHistories",
      matches = "true")
  void recordHistory() throws Exception {
    send(report("a", "q@a-1", false, 1));
    send(report("b", "q@b-1", false, 0));
    listing();
    env.sleep(Duration.ofSeconds(20));
    send(report("a", "q@a-1", false, 0));
    send(report("c", "q@c-1", true, 0));
    listing();
    String json = client.fetchHistory(WorkerRegistryWorkflow.workflowId(QUEUE)).toJson(true);
    java.nio.file.Path out =
        java.nio.file.Path.of("src/test/resources/histories/registry/reports.json");
    java.nio.file.Files.createDirectories(out.getParent());
    java.nio.file.Files.writeString(out, json);
  }
}
