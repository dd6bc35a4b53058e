package dev.locality.it.harness;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.stage.StageRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts pipeline workflows on the shared queue and reads them back: result, failure, {@code
 * status} query, history. Specs are parsed from YAML with the built-in stages, as the CLI does.
 * Thread-safe.
 */
public final class Pipelines {
  /** Longest a test pipeline may run before the server gives up on it. */
  public static final Duration EXECUTION_TIMEOUT = Duration.ofMinutes(3);

  private static final StageRegistry STAGES = StageRegistry.load(Pipelines.class.getClassLoader());

  private final WorkflowClient client;

  public Pipelines(WorkflowClient client) {
    this.client = client;
  }

  /** Parses and validates a spec written as YAML. */
  public static PipelineSpec parse(String yaml) {
    return new SpecParser(STAGES).parse(yaml, "it-spec");
  }

  /** Starts a pipeline with a fresh workflow id {@code <prefix>-<uuid>}; returns the id. */
  public String start(String prefix, PipelineSpec spec) {
    String workflowId = prefix + "-" + UUID.randomUUID();
    PipelineWorkflow pipeline =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(WorkerProcess.SHARED_QUEUE)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(EXECUTION_TIMEOUT)
                .setWorkflowTaskTimeout(PipelineWorkflow.WORKFLOW_TASK_TIMEOUT)
                .build());
    WorkflowClient.start(pipeline::run, SpecDocument.of(spec));
    return workflowId;
  }

  /** Waits for a pipeline's result; a failed pipeline throws its {@link WorkflowException}. */
  public PipelineResult result(String workflowId, Duration timeout) {
    try {
      return client
          .newUntypedWorkflowStub(workflowId)
          .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, PipelineResult.class);
    } catch (TimeoutException e) {
      throw new IllegalStateException("pipeline " + workflowId + " still running after " + timeout);
    }
  }

  /** Waits for a pipeline that must fail; returns its failure. */
  public WorkflowException failure(String workflowId, Duration timeout) {
    try {
      PipelineResult result = result(workflowId, timeout);
      throw new AssertionError("pipeline " + workflowId + " completed but should fail: " + result);
    } catch (WorkflowException e) {
      return e;
    }
  }

  /** The answer of the pipeline's {@code status} query. */
  public PipelineStatus status(String workflowId) {
    return client.newWorkflowStub(PipelineWorkflow.class, workflowId).status();
  }

  /**
   * Waits until a worker has picked up the current session's {@code stageType} stage: the server
   * reports the stage's activity as started (not merely scheduled). Returns the {@code status} seen
   * then, whose stage of that type names the worker running it.
   */
  public PipelineStatus awaitStageStarted(String workflowId, String stageType, Duration timeout) {
    return org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> startedActivity(workflowId, stageType) ? status(workflowId) : null,
            s ->
                s != null
                    && s.stages().stream()
                        .anyMatch(r -> r.type().equals(stageType) && "RUNNING".equals(r.state())));
  }

  private io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse describe(
      String workflowId) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(
                    io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                        .setWorkflowId(workflowId))
                .build());
  }

  private boolean startedActivity(String workflowId, String activityType) {
    var description = describe(workflowId);
    return description.getPendingActivitiesList().stream()
        .anyMatch(
            a ->
                a.getActivityType().getName().equals(activityType)
                    && a.getState()
                        == io.temporal.api.enums.v1.PendingActivityState
                            .PENDING_ACTIVITY_STATE_STARTED);
  }

  /**
   * The started activity of {@code stageType} as the server has it now (its last heartbeat's
   * progress and the worker running it); empty when none is started. Heartbeats reach the server at
   * most every worker heartbeat throttle interval (500 ms, {@code
   * LocalityWorker.MAX_HEARTBEAT_THROTTLE}), so the progress read here lags the stage by that much.
   */
  public java.util.Optional<StageProgress> pendingProgress(String workflowId, String stageType) {
    var description = describe(workflowId);
    long now = System.currentTimeMillis();
    return description.getPendingActivitiesList().stream()
        .filter(
            a ->
                a.getActivityType().getName().equals(stageType)
                    && a.getState()
                        == io.temporal.api.enums.v1.PendingActivityState
                            .PENDING_ACTIVITY_STATE_STARTED)
        .findFirst()
        .map(
            a ->
                new StageProgress(
                    stageType,
                    a.getLastWorkerIdentity(),
                    a.getAttempt(),
                    a.hasHeartbeatDetails() && a.getHeartbeatDetails().getPayloadsCount() > 0
                        ? client
                            .getOptions()
                            .getDataConverter()
                            .fromPayloads(
                                0,
                                java.util.Optional.of(a.getHeartbeatDetails()),
                                dev.locality.stage.Progress.class,
                                dev.locality.stage.Progress.class)
                        : null,
                    now));
  }

  /**
   * Waits until the server has a heartbeat of the started {@code stageType} activity from {@code
   * workerId} that is strictly inside the stage ({@link StageProgress#isMidStage}); returns it.
   */
  public StageProgress awaitMidStage(
      String workflowId, String stageType, String workerId, long total, Duration timeout) {
    return org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(25))
        .ignoreExceptions()
        .until(
            () -> pendingProgress(workflowId, stageType).orElse(null),
            p -> p != null && p.workerId().equals(workerId) && p.isMidStage(total));
  }

  /** The running stage of {@code stageType} in {@code status}: its worker id. */
  public static String workerOf(PipelineStatus status, String stageType) {
    return status.stages().stream()
        .filter(r -> r.type().equals(stageType) && "RUNNING".equals(r.state()))
        .map(dev.locality.api.workflow.StageRun::workerId)
        .findFirst()
        .orElseThrow();
  }

  /** The pipeline's history as the server has it now. */
  public History history(String workflowId) {
    return new History(client.fetchHistory(workflowId).getEvents());
  }

  /** The untyped stub, for terminate and cancel. */
  public WorkflowStub stub(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId);
  }
}
