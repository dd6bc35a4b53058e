package dev.locality.stage;

/**
 * Identity of the pipeline run a stage belongs to; used in destination templates and logs.
 *
 * @param name the pipeline's name from the spec
 * @param workflowId the Temporal workflow id
 * @param runId the Temporal run id
 */
public record PipelineInfo(String name, String workflowId, String runId) {}
