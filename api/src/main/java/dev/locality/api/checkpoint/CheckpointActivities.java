package dev.locality.api.checkpoint;

import io.temporal.activity.ActivityInterface;

/**
 * Copies a completed stage's outputs to a checkpoint store and back, on the worker that holds the
 * session (activities on the worker's unique queue, next to the stages). Activity types: {@code
 * CheckpointSave}, {@code CheckpointRestore}, {@code CheckpointDelete}.
 */
@ActivityInterface(namePrefix = "Checkpoint")
public interface CheckpointActivities {
  /**
   * Uploads the outputs of one completed stage from the session directory to the store, each file
   * streamed with its SHA-256 checked against the recorded one, then writes the checkpoint's
   * manifest object last (the commit point). Fenced: the manifest is written only while the worker
   * still holds the session, so a worker that lost its session never publishes a checkpoint after
   * the failover. Heartbeats; idempotent (a retry uploads the files again and rewrites the manifest
   * with the same content).
   *
   * @return where the checkpoint is and what it holds
   */
  CheckpointSaved save(CheckpointSave request);

  /**
   * Downloads a checkpoint into the session directory, at the outputs' original paths, verifying
   * every file's size and SHA-256 against the manifest and the manifest against the recorded
   * outputs. A missing manifest or a file that does not match fails non-retryably with type {@link
   * #UNUSABLE} (nothing of the restore is left behind); the workflow then redoes the stages from
   * the origin. Heartbeats; idempotent.
   *
   * @return the bytes restored
   */
  long restore(CheckpointRestore request);

  /**
   * Deletes every object of a pipeline run's checkpoints under a store (best effort, idempotent).
   *
   * @param store the store URL
   * @param runPrefix the run's key prefix under the store, from {@link CheckpointSaved#runPrefix}
   * @return how many objects were deleted
   */
  int delete(String store, String runPrefix);

  /** Failure type of a checkpoint that is missing, partial or corrupt. */
  String UNUSABLE = "CheckpointUnusable";
}
