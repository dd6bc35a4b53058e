package dev.locality.stage;

/**
 * A stage's outputs when they are too many to travel in the workflow's history: the full list is in
 * a manifest file in the session directory on the worker, and the history carries only this
 * summary. Written and read by the worker's dispatcher; the workflow hands it from one stage to the
 * next unchanged. Stages never see it: they get and return plain artifact lists.
 *
 * @param path the manifest file, relative to the session directory
 * @param artifacts how many artifacts it lists
 * @param bytes their total size
 * @param outputUris how many external URIs the stage wrote (the history keeps only the first few)
 */
public record ArtifactManifest(String path, int artifacts, long bytes, int outputUris) {
  /**
   * Artifacts and output URIs that travel in the history as they are; a stage result with more is
   * summarised by a manifest. 100 artifacts with long paths and SHA-256s stay under 64 KB.
   */
  public static final int INLINE_LIMIT = 100;
}
