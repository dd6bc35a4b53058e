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
 * @param status {@value #COMPLETED}, or {@value #SKIPPED_UNCHANGED} when a {@code download} with
 *     {@code ifChanged: true} found its sources as the last successful run of the same name left
 *     them (the stages after it did not run); null in results of older workers (completed)
 * @param checkpoints what happened to the stage checkpoints of the run (saved, failed, restored,
 *     unusable), oldest first; empty without checkpoints, null in results of older workers
 */
public record PipelineResult(
    String name,
    String workerId,
    String taskQueue,
    List<StageRun> stages,
    List<SessionRecord> sessions,
    List<String> outputUris,
    String status,
    List<CheckpointRecord> checkpoints) {
  public static final String COMPLETED = "COMPLETED";
  public static final String SKIPPED_UNCHANGED = "SKIPPED_UNCHANGED";

  /** A result without checkpoints. */
  public PipelineResult(
      String name,
      String workerId,
      String taskQueue,
      List<StageRun> stages,
      List<SessionRecord> sessions,
      List<String> outputUris,
      String status) {
    this(name, workerId, taskQueue, stages, sessions, outputUris, status, List.of());
  }

  /** A completed run's result. */
  public PipelineResult(
      String name,
      String workerId,
      String taskQueue,
      List<StageRun> stages,
      List<SessionRecord> sessions,
      List<String> outputUris) {
    this(name, workerId, taskQueue, stages, sessions, outputUris, COMPLETED);
  }

  /** Whether the run was skipped because its sources had not changed. */
  public boolean skippedUnchanged() {
    return SKIPPED_UNCHANGED.equals(status);
  }
}
