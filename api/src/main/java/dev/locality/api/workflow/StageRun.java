package dev.locality.api.workflow;

import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.StageMetrics;
import java.util.List;

/**
 * One stage's run in the pipeline's current (or final) session.
 *
 * @param index position in the pipeline
 * @param type stage type
 * @param state PENDING, RUNNING, COMPLETED, FAILED or CANCELLED
 * @param sessionId session the stage ran in
 * @param workerId worker that ran it
 * @param taskQueue the worker's unique queue it ran on
 * @param startedAtMillis epoch millis when it was scheduled, 0 if not yet
 * @param endedAtMillis epoch millis when it ended, 0 if not yet
 * @param metrics what it moved, null until completed
 * @param outputUris external URIs written (upload stages); the first {@link
 *     ArtifactManifest#INLINE_LIMIT} when the stage wrote more (see {@code manifest})
 * @param failure the failure message when FAILED
 * @param manifest when the stage's outputs were too many for the history: how many artifacts and
 *     output URIs there were in all; null otherwise
 */
public record StageRun(
    int index,
    String type,
    String state,
    String sessionId,
    String workerId,
    String taskQueue,
    long startedAtMillis,
    long endedAtMillis,
    StageMetrics metrics,
    List<String> outputUris,
    String failure,
    ArtifactManifest manifest) {

  /** A run whose outputs were few enough to be listed. */
  public StageRun(
      int index,
      String type,
      String state,
      String sessionId,
      String workerId,
      String taskQueue,
      long startedAtMillis,
      long endedAtMillis,
      StageMetrics metrics,
      List<String> outputUris,
      String failure) {
    this(
        index,
        type,
        state,
        sessionId,
        workerId,
        taskQueue,
        startedAtMillis,
        endedAtMillis,
        metrics,
        outputUris,
        failure,
        null);
  }

  public StageRun withState(String newState) {
    return new StageRun(
        index,
        type,
        newState,
        sessionId,
        workerId,
        taskQueue,
        startedAtMillis,
        endedAtMillis,
        metrics,
        outputUris,
        failure,
        manifest);
  }
}
