package dev.locality.cli.list;

/**
 * One pipeline run in {@code locality list}.
 *
 * @param workflowId the run's workflow id
 * @param runId the Temporal run id
 * @param name the pipeline's name (memo {@code pipeline}), null for runs started without it
 * @param status RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT, ...
 * @param startMillis epoch millis of the start, 0 if unknown
 * @param closeMillis epoch millis of the end, 0 while running or unknown
 */
public record PipelineRow(
    String workflowId,
    String runId,
    String name,
    String status,
    long startMillis,
    long closeMillis) {

  /** Wall time so far ({@code nowMillis} for a running one), or -1 when unknown. */
  public long durationMillis(long nowMillis) {
    if (startMillis <= 0) return -1;
    if (closeMillis > 0) return Math.max(0, closeMillis - startMillis);
    return "RUNNING".equals(status) ? Math.max(0, nowMillis - startMillis) : -1;
  }
}
