package dev.locality.api.workflow;

import java.util.List;

/**
 * Result of a successful pipeline.
 *
 * @param name the pipeline's name
 * @param workerId worker that ran every stage
 * @param taskQueue that worker's unique queue
 * @param stages each stage's run with its metrics
 * @param sessions every session tried (more than one means failovers happened)
 * @param outputUris everything the pipeline wrote outside the worker
 */
public record PipelineResult(
    String name,
    String workerId,
    String taskQueue,
    List<StageRun> stages,
    List<SessionRecord> sessions,
    List<String> outputUris) {}
