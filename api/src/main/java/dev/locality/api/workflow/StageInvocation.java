package dev.locality.api.workflow;

import dev.locality.api.spec.StageSpec;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.PipelineInfo;
import java.util.List;

/**
 * Input of a stage activity (activity type = stage type) on a worker's unique queue.
 *
 * @param pipeline the run it belongs to
 * @param sessionId the session whose directory holds the inputs
 * @param stageIndex position in the pipeline (names the stage's output directory)
 * @param stage the stage as written in the spec
 * @param inputs the previous stage's outputs, when they were few enough to be listed here
 * @param inputsManifest where the previous stage's outputs are listed when they were too many for
 *     the history (then {@code inputs} is empty); null otherwise
 */
public record StageInvocation(
    PipelineInfo pipeline,
    String sessionId,
    int stageIndex,
    StageSpec stage,
    List<Artifact> inputs,
    ArtifactManifest inputsManifest) {

  public StageInvocation(
      PipelineInfo pipeline,
      String sessionId,
      int stageIndex,
      StageSpec stage,
      List<Artifact> inputs) {
    this(pipeline, sessionId, stageIndex, stage, inputs, null);
  }
}
