package dev.locality.api.workflow;

import java.util.Map;

/**
 * What the last successful run of a pipeline name read from outside, kept in Temporal by {@link
 * PipelineStateWorkflow} for incremental runs ({@code download} with {@code ifChanged: true}).
 *
 * @param pipelineName the spec's {@code name}
 * @param sourceVersions stage index (as text) to the version that stage reported ({@code
 *     StageResult.sourceVersion}: a SHA-256 over its sources' ETags, Last-Modified dates or S3
 *     version ids)
 * @param workflowId the run that recorded it
 * @param runId the run that recorded it
 * @param recordedAtMillis workflow time when it was recorded
 */
public record PipelineState(
    String pipelineName,
    Map<String, String> sourceVersions,
    String workflowId,
    String runId,
    long recordedAtMillis) {
  public PipelineState {
    sourceVersions = sourceVersions == null ? Map.of() : Map.copyOf(sourceVersions);
  }

  /** The version stage {@code index} reported, or null. */
  public String versionOf(int index) {
    return sourceVersions.get(String.valueOf(index));
  }
}
