package dev.locality.cli.report;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.cli.ExitCodes;
import java.util.List;

/**
 * Everything the CLI knows about one pipeline run at the moment it reports: the input of both the
 * human summary ({@link SummaryFormatter}) and the JSON document ({@link JsonReport}).
 *
 * @param workflowId the pipeline run's workflow id
 * @param runId the Temporal run id, null when unknown
 * @param status COMPLETED, FAILED, RUNNING, CANCELED, TERMINATED, TIMED_OUT or CONTINUED_AS_NEW
 * @param result the pipeline's result when COMPLETED, else null
 * @param live the workflow's {@code status} query answer when it was available, else null
 * @param failure why the pipeline did not complete, null unless it ended unsuccessfully
 * @param pending stage activities in flight (running pipelines only)
 */
public record PipelineReport(
    String workflowId,
    String runId,
    String status,
    PipelineResult result,
    PipelineStatus live,
    FailureSummary failure,
    List<PendingStage> pending) {

  public static final String COMPLETED = "COMPLETED";
  public static final String FAILED = "FAILED";
  public static final String RUNNING = "RUNNING";

  public PipelineReport {
    pending = pending == null ? List.of() : List.copyOf(pending);
  }

  /** A run that ended successfully: COMPLETED, or SKIPPED_UNCHANGED when its result says so. */
  public static PipelineReport completed(String workflowId, String runId, PipelineResult result) {
    String status =
        result != null && result.skippedUnchanged() ? PipelineResult.SKIPPED_UNCHANGED : COMPLETED;
    return new PipelineReport(workflowId, runId, status, result, null, null, List.of());
  }

  public static PipelineReport failed(
      String workflowId, String runId, String status, FailureSummary failure, PipelineStatus live) {
    return new PipelineReport(workflowId, runId, status, null, live, failure, List.of());
  }

  public static PipelineReport running(
      String workflowId, String runId, PipelineStatus live, List<PendingStage> pending) {
    return new PipelineReport(workflowId, runId, RUNNING, null, live, null, pending);
  }

  /** Every session tried, oldest first (from the result, else from the live status). */
  public List<SessionRecord> sessions() {
    if (result != null && result.sessions() != null) return result.sessions();
    if (live != null && live.sessions() != null) return live.sessions();
    return List.of();
  }

  /** The stages of the final (or current) session. */
  public List<StageRun> stages() {
    if (result != null && result.stages() != null) return result.stages();
    if (live != null && live.stages() != null) return live.stages();
    return List.of();
  }

  /**
   * Failovers: failed sessions that were followed by another session (a failed last session is the
   * pipeline's final failure, not a failover).
   */
  public int failovers() {
    List<SessionRecord> sessions = sessions();
    int failovers = 0;
    for (int i = 0; i < sessions.size() - 1; i++) {
      if ("FAILED".equals(sessions.get(i).state())) failovers++;
    }
    return failovers;
  }

  public List<String> outputUris() {
    return result != null && result.outputUris() != null ? result.outputUris() : List.of();
  }

  /** 0 when completed (also skipped as unchanged) or still running, 1 otherwise. */
  public int exitCode() {
    return COMPLETED.equals(status)
            || PipelineResult.SKIPPED_UNCHANGED.equals(status)
            || RUNNING.equals(status)
        ? ExitCodes.SUCCESS
        : ExitCodes.PIPELINE_FAILED;
  }

  /** Wall time of a stage, or -1 while it has not both started and ended. */
  public static long durationMillis(StageRun stage) {
    if (stage.startedAtMillis() <= 0 || stage.endedAtMillis() <= 0) return -1;
    return Math.max(0, stage.endedAtMillis() - stage.startedAtMillis());
  }
}
