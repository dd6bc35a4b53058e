package dev.locality.api.checkpoint;

import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import java.util.List;

/**
 * Input of {@link CheckpointActivities#restore}.
 *
 * @param sessionId the session to restore into
 * @param checkpoint the checkpoint, as its save returned it
 * @param outputs the checkpointed stage's outputs as recorded in the workflow: the manifest must
 *     list exactly these (path, size, SHA-256)
 * @param manifest the stage's spilled output list, or null
 */
public record CheckpointRestore(
    String sessionId,
    CheckpointSaved checkpoint,
    List<Artifact> outputs,
    ArtifactManifest manifest) {}
