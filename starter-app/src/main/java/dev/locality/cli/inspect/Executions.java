package dev.locality.cli.inspect;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.util.Optional;

/**
 * Reads of one workflow execution that the CLI's inspector, starter and lister share. Stateless and
 * thread-safe.
 */
public final class Executions {
  private Executions() {}

  /**
   * DescribeWorkflowExecution of a run.
   *
   * @param runId the run; null or empty for the latest run of {@code workflowId}
   * @return empty when the server knows no such execution (NOT_FOUND)
   * @throws StatusRuntimeException for any other failure of the call
   */
  public static Optional<DescribeWorkflowExecutionResponse> describe(
      WorkflowClient client, String workflowId, String runId) {
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null && !runId.isEmpty()) execution.setRunId(runId);
    try {
      return Optional.of(
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(execution)
                      .build()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  /** Epoch millis of a protobuf timestamp. */
  public static long millis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
  }

  /** {@code COMPLETED}, {@code FAILED}, {@code RUNNING}, ... from the proto enum. */
  public static String statusName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }
}
