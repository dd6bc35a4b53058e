package dev.locality.api.checkpoint;

import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.PipelineInfo;
import java.util.List;

/**
 * Input of {@link CheckpointActivities#save}.
 *
 * @param pipeline the run the checkpoint belongs to (its workflow and run ids key the objects)
 * @param sessionId the session whose directory holds the outputs; also keys the objects, so two
 *     sessions never write the same checkpoint
 * @param stageIndex the stage whose outputs are saved
 * @param stageType its type (part of the key, for people browsing the store)
 * @param store the store URL ({@code s3://bucket/prefix/} or {@code file:///dir/})
 * @param outputs the stage's outputs as recorded (paths relative to the session directory)
 * @param manifest the stage's spilled output list when its outputs were too many for the history,
 *     else null
 */
public record CheckpointSave(
    PipelineInfo pipeline,
    String sessionId,
    int stageIndex,
    String stageType,
    String store,
    List<Artifact> outputs,
    ArtifactManifest manifest) {}
