package dev.locality.cli.inspect;

import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.cli.report.FailureSummary;
import dev.locality.cli.report.PendingStage;
import dev.locality.cli.report.PipelineReport;
import dev.locality.stage.Progress;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads what Temporal knows about one pipeline run and turns it into a {@link PipelineReport}:
 * DescribeWorkflowExecution for the status; the result for a completed run; the failure chain for
 * one that ended otherwise; the {@code status} query and pending activities (with heartbeat
 * progress) for a running one. The query needs a live worker, so it is bounded by {@link
 * #queryTimeout} and its absence is not an error. Thread-safe.
 */
public final class PipelineInspector {
  private final WorkflowClient client;
  private final Duration queryTimeout;

  public PipelineInspector(WorkflowClient client, Duration queryTimeout) {
    this.client = client;
    this.queryTimeout = queryTimeout;
  }

  /**
   * Blocks until the run ends, then reports it.
   *
   * @param runId the run to wait for, or null for the latest run of {@code workflowId}
   */
  public PipelineReport awaitEnd(String workflowId, String runId) {
    WorkflowStub stub = stub(workflowId, runId);
    try {
      stub.getResult(PipelineResult.class);
    } catch (WorkflowException e) {
      // reported below from the closed execution
    }
    return report(workflowId, runId);
  }

  /**
   * Reports the run as it is now.
   *
   * @throws UnknownPipelineException when no workflow has this id
   */
  public PipelineReport report(String workflowId, String runId) {
    DescribeWorkflowExecutionResponse description = describe(workflowId, runId);
    String actualRunId = description.getWorkflowExecutionInfo().getExecution().getRunId();
    WorkflowExecutionStatus status = description.getWorkflowExecutionInfo().getStatus();
    String statusName = Executions.statusName(status);
    WorkflowStub stub = stub(workflowId, actualRunId);
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return PipelineReport.running(
          workflowId, actualRunId, queryStatus(stub).orElse(null), pending(description));
    }
    try {
      PipelineResult result = stub.getResult(PipelineResult.class);
      return PipelineReport.completed(workflowId, actualRunId, result);
    } catch (WorkflowException e) {
      return PipelineReport.failed(
          workflowId,
          actualRunId,
          statusName,
          FailureSummary.of(e),
          queryStatus(stub).orElse(null));
    }
  }

  /**
   * Reports the run as it is now, plus what a live view needs beyond the report: when the run
   * started and when the session lease last heartbeated (a worker's sign of life).
   *
   * @throws UnknownPipelineException when no workflow has this id
   */
  public LiveRead readLive(String workflowId, String runId) {
    DescribeWorkflowExecutionResponse description = describe(workflowId, runId);
    var info = description.getWorkflowExecutionInfo();
    long startedAt = info.hasStartTime() ? Executions.millis(info.getStartTime()) : 0;
    long closedAt = info.hasCloseTime() ? Executions.millis(info.getCloseTime()) : 0;
    long leaseHeartbeat = 0;
    for (PendingActivityInfo pending : description.getPendingActivitiesList()) {
      if (SessionLeaseActivity.TYPE.equals(pending.getActivityType().getName())
          && pending.hasLastHeartbeatTime()) {
        leaseHeartbeat = Executions.millis(pending.getLastHeartbeatTime());
      }
    }
    String actualRunId = info.getExecution().getRunId();
    PipelineReport report;
    if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      report =
          PipelineReport.running(
              workflowId,
              actualRunId,
              queryStatus(stub(workflowId, actualRunId)).orElse(null),
              pending(description));
    } else {
      report = report(workflowId, actualRunId);
    }
    return new LiveRead(report, startedAt, closedAt, leaseHeartbeat);
  }

  /**
   * @param report the run now
   * @param startedAtMillis epoch millis when the run started, 0 if unknown
   * @param closedAtMillis epoch millis when it ended, 0 while running
   * @param leaseHeartbeatMillis the open session lease's last recorded heartbeat, 0 if none
   */
  public record LiveRead(
      PipelineReport report,
      long startedAtMillis,
      long closedAtMillis,
      long leaseHeartbeatMillis) {}

  private DescribeWorkflowExecutionResponse describe(String workflowId, String runId) {
    return Executions.describe(client, workflowId, runId)
        .orElseThrow(() -> new UnknownPipelineException(workflowId));
  }

  /** The status query's answer, or empty when no worker answered in time. */
  private Optional<PipelineStatus> queryStatus(WorkflowStub stub) {
    CompletableFuture<PipelineStatus> answer =
        CompletableFuture.supplyAsync(
            () -> stub.query("status", PipelineStatus.class), DaemonThreads.EXECUTOR);
    try {
      return Optional.ofNullable(answer.get(queryTimeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      answer.cancel(true);
      return Optional.empty();
    }
  }

  private List<PendingStage> pending(DescribeWorkflowExecutionResponse description) {
    DataConverter converter = client.getOptions().getDataConverter();
    List<PendingStage> pending = new ArrayList<>();
    for (PendingActivityInfo info : description.getPendingActivitiesList()) {
      String type = info.getActivityType().getName();
      if (SessionLeaseActivity.TYPE.equals(type)) continue;
      Progress progress = null;
      if (info.hasHeartbeatDetails()) {
        try {
          progress =
              converter.fromPayloads(
                  0, Optional.of(info.getHeartbeatDetails()), Progress.class, Progress.class);
        } catch (RuntimeException e) {
          progress = null; // not a Progress payload: show the stage without progress
        }
      }
      String lastFailure = info.hasLastFailure() ? info.getLastFailure().getMessage() : null;
      pending.add(
          new PendingStage(
              type,
              info.getState().name().replace("PENDING_ACTIVITY_STATE_", ""),
              info.getAttempt(),
              progress,
              lastFailure,
              info.getActivityId(),
              info.hasLastStartedTime() ? Executions.millis(info.getLastStartedTime()) : 0,
              info.hasLastHeartbeatTime() ? Executions.millis(info.getLastHeartbeatTime()) : 0));
    }
    return pending;
  }

  private WorkflowStub stub(String workflowId, String runId) {
    return client.newUntypedWorkflowStub(workflowId, Optional.ofNullable(runId), Optional.empty());
  }

  /** No workflow with the given id exists in the namespace. */
  public static final class UnknownPipelineException extends RuntimeException {
    public UnknownPipelineException(String workflowId) {
      super("no pipeline with id " + workflowId);
    }
  }
}
