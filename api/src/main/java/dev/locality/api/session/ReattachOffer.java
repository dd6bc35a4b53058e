package dev.locality.api.session;

import dev.locality.stage.StageResult;
import java.util.List;

/**
 * What a re-attach offer asks of the restarted worker: take over the files of {@code
 * previousSessionId} (left on this host's work root by the worker's previous process) and check the
 * outputs of the stages that had completed in it, in order, against what they recorded (every
 * artifact's size and SHA-256; a spilled manifest's file and artifact count). The worker grants the
 * new session with the number of leading stages whose outputs are all intact ({@link
 * SessionGrant#verifiedStages()}); the pipeline continues from the first stage after them.
 *
 * @param previousSessionId the lost session whose directory is taken over
 * @param completedStages the results of the stages that completed in it, in stage order (stage 0
 *     first); their artifact paths are relative to the session directory
 */
public record ReattachOffer(String previousSessionId, List<StageResult> completedStages) {
  public ReattachOffer {
    completedStages = completedStages == null ? List.of() : List.copyOf(completedStages);
  }
}
