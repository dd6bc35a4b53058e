package dev.locality.cli.start;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.inspect.Executions;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverterException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a pipeline workflow <b>idempotently by workflow id and spec</b>: a start with the id of a
 * run that is still running attaches to it, and one with the id of a run that completed reports
 * that run, provided that run was started with the same spec (the same {@link
 * dev.locality.cli.spec.SpecHash}); neither starts a twin. An id whose last run failed, was
 * cancelled, terminated or timed out starts a new run, of whatever spec is given now: nothing is
 * skipped or attached to, and the new run records its own hash. Temporal enforces the id part
 * atomically ({@link WorkflowIdReusePolicy#WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY}
 * with {@link WorkflowIdConflictPolicy#WORKFLOW_ID_CONFLICT_POLICY_FAIL}); the CLI asks the server
 * which case it hit and compares the spec hash the existing run recorded at its start (memo {@value
 * #MEMO_SPEC_SHA256}, read with DescribeWorkflowExecution).
 *
 * <p>A running or completed run of another spec is a {@link SpecConflictException}: nothing is
 * started or attached to. So is one without the memo (started by another client or an older
 * Locality), unless the starter was made with {@code attachToUnknownSpecs}: whether it runs this
 * spec cannot be known. Each run also carries the memo {@code pipeline} (its name) for {@code
 * locality list}. Thread-safe.
 */
public final class PipelineStarter {
  /** Memo key holding the pipeline's name. */
  public static final String MEMO_PIPELINE = "pipeline";

  /** Memo key holding a batch run's input. */
  public static final String MEMO_INPUT = "input";

  /**
   * Memo key holding the SHA-256 (64 hex digits) of the run's resolved spec ({@link
   * dev.locality.cli.spec.SpecHash}); another client that sets it takes part in the check.
   */
  public static final String MEMO_SPEC_SHA256 = "specSha256";

  private static final int ATTEMPTS = 3;

  private final WorkflowClient client;
  private final String sharedQueue;
  private final boolean attachToUnknownSpecs;

  /** A starter that refuses runs without a spec hash ({@link SpecConflictException}). */
  public PipelineStarter(WorkflowClient client, String sharedQueue) {
    this(client, sharedQueue, false);
  }

  /**
   * @param attachToUnknownSpecs attach to (or report) a running (or completed) run that recorded no
   *     spec hash instead of refusing it ({@code run --force-attach})
   */
  public PipelineStarter(WorkflowClient client, String sharedQueue, boolean attachToUnknownSpecs) {
    this.client = client;
    this.sharedQueue = sharedQueue;
    this.attachToUnknownSpecs = attachToUnknownSpecs;
  }

  /** What a start did. */
  public enum Outcome {
    /** A new run was started. */
    STARTED,
    /** A run of the same spec (or, attaching to unknown specs, of none) with this id is running. */
    ALREADY_RUNNING,
    /** A run of the same spec (or, attaching to unknown specs, of none) with this id completed. */
    ALREADY_COMPLETED
  }

  /**
   * @param workflowId the run's id
   * @param runId the started or existing run
   * @param specSha256 the hash recorded on that run: the given one, or null for a run without one
   *     that the starter was told to attach to
   */
  public record Started(Outcome outcome, String workflowId, String runId, String specSha256) {
    public boolean isNew() {
      return outcome == Outcome.STARTED;
    }
  }

  /**
   * Starts {@code spec} as workflow {@code workflowId}, or finds the run of the same spec that
   * already owns the id.
   *
   * @param specSha256 the hash of {@code spec} ({@link dev.locality.cli.spec.SpecHash#of}),
   *     recorded on a new run and compared with an existing one
   * @param memo extra memo fields (may be empty)
   * @throws SpecConflictException when a running or completed run holds the id with another spec or
   *     (unless attaching to unknown specs) without a spec hash; nothing was started
   */
  public Started start(
      PipelineSpec spec, String specSha256, String workflowId, Map<String, Object> memo) {
    Map<String, Object> fullMemo = new LinkedHashMap<>(memo);
    fullMemo.put(MEMO_PIPELINE, spec.name());
    fullMemo.put(MEMO_SPEC_SHA256, specSha256);
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
        return new Started(Outcome.STARTED, workflowId, execution.getRunId(), specSha256);
      } catch (WorkflowExecutionAlreadyStarted e) {
        String runId = e.getExecution().getRunId();
        Optional<WorkflowExecutionInfo> existing =
            Executions.describe(client, workflowId, runId)
                .map(DescribeWorkflowExecutionResponse::getWorkflowExecutionInfo);
        WorkflowExecutionStatus status =
            existing
                .map(WorkflowExecutionInfo::getStatus)
                .orElse(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED);
        boolean running = status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        if (running || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
          String recorded = existing.map(this::recordedSpecSha256).orElse(null);
          if (recorded == null ? !attachToUnknownSpecs : !recorded.equalsIgnoreCase(specSha256)) {
            throw new SpecConflictException(workflowId, runId, running, specSha256, recorded);
          }
          return new Started(
              running ? Outcome.ALREADY_RUNNING : Outcome.ALREADY_COMPLETED,
              workflowId,
              runId,
              recorded);
        }
        // it ended unsuccessfully between the start and our look: the next start may reuse the id
        if (attempt >= ATTEMPTS) throw e;
      }
    }
  }

  /** The run's memo {@value #MEMO_SPEC_SHA256}, null when absent or not a string. */
  private String recordedSpecSha256(WorkflowExecutionInfo info) {
    Payload payload = info.getMemo().getFieldsMap().get(MEMO_SPEC_SHA256);
    if (payload == null) return null;
    try {
      return client
          .getOptions()
          .getDataConverter()
          .fromPayload(payload, String.class, String.class);
    } catch (DataConverterException e) {
      return null; // written by someone else in another shape: as good as none
    }
  }
}
