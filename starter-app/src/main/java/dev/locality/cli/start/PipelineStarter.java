package dev.locality.cli.start;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.inspect.Executions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts a pipeline workflow <b>idempotently by workflow id</b>: a start with the id of a run that
 * is still running attaches to it, and one with the id of a run that completed reports that run;
 * neither starts a twin. An id whose last run failed, was cancelled, terminated or timed out starts
 * a new run. Temporal enforces this atomically ({@link
 * WorkflowIdReusePolicy#WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY} with {@link
 * WorkflowIdConflictPolicy#WORKFLOW_ID_CONFLICT_POLICY_FAIL}); the CLI only asks the server which
 * of the cases it hit. Each run carries the memo {@code pipeline} (its name) for {@code locality
 * list}. Thread-safe.
 */
public final class PipelineStarter {
  /** Memo key holding the pipeline's name. */
  public static final String MEMO_PIPELINE = "pipeline";

  /** Memo key holding a batch run's input. */
  public static final String MEMO_INPUT = "input";

  private static final int ATTEMPTS = 3;

  private final WorkflowClient client;
  private final String sharedQueue;

  public PipelineStarter(WorkflowClient client, String sharedQueue) {
    this.client = client;
    this.sharedQueue = sharedQueue;
  }

  /** What a start did. */
  public enum Outcome {
    /** A new run was started. */
    STARTED,
    /** A run with this id is running; nothing was started. */
    ALREADY_RUNNING,
    /** A run with this id completed successfully; nothing was started. */
    ALREADY_COMPLETED
  }

  /**
   * @param workflowId the run's id
   * @param runId the started or existing run
   */
  public record Started(Outcome outcome, String workflowId, String runId) {
    public boolean isNew() {
      return outcome == Outcome.STARTED;
    }
  }

  /**
   * Starts {@code spec} as workflow {@code workflowId}, or finds the run that already owns the id.
   *
   * @param memo extra memo fields (may be empty)
   */
  public Started start(PipelineSpec spec, String workflowId, Map<String, Object> memo) {
    Map<String, Object> fullMemo = new LinkedHashMap<>(memo);
    fullMemo.put(MEMO_PIPELINE, spec.name());
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(sharedQueue)
            .setWorkflowTaskTimeout(PipelineWorkflow.WORKFLOW_TASK_TIMEOUT)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setMemo(fullMemo)
            .build();
    for (int attempt = 1; ; attempt++) {
      try {
        PipelineWorkflow workflow = client.newWorkflowStub(PipelineWorkflow.class, options);
        WorkflowExecution execution = WorkflowClient.start(workflow::run, SpecDocument.of(spec));
        return new Started(Outcome.STARTED, workflowId, execution.getRunId());
      } catch (WorkflowExecutionAlreadyStarted e) {
        String runId = e.getExecution().getRunId();
        WorkflowExecutionStatus status = statusOf(workflowId, runId);
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          return new Started(Outcome.ALREADY_RUNNING, workflowId, runId);
        }
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
          return new Started(Outcome.ALREADY_COMPLETED, workflowId, runId);
        }
        // it ended unsuccessfully between the start and our look: the next start may reuse the id
        if (attempt >= ATTEMPTS) throw e;
      }
    }
  }

  private WorkflowExecutionStatus statusOf(String workflowId, String runId) {
    return Executions.describe(client, workflowId, runId)
        .map(d -> d.getWorkflowExecutionInfo().getStatus())
        .orElse(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED);
  }
}
