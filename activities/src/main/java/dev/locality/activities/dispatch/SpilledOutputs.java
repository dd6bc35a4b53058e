package dev.locality.activities.dispatch;

import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import java.nio.file.Path;
import java.util.List;

/** Reads the full output list of a stage whose outputs were spilled to a manifest file. */
public final class SpilledOutputs {
  private SpilledOutputs() {}

  /**
   * The outputs {@code manifest} lists, read from its file in {@code sessionDir}.
   *
   * @throws io.temporal.failure.ApplicationFailure as {@link OutputManifests#inputs} does when the
   *     file is missing, outside the session directory or does not match its summary
   */
  public static List<Artifact> read(ArtifactManifest manifest, Path sessionDir) {
    return OutputManifests.inputs(
        new StageInvocation(null, null, 0, null, List.of(), manifest), sessionDir);
  }
}
