package dev.locality.api.checkpoint;

/**
 * A checkpoint that was written completely (its manifest object exists).
 *
 * @param store the store URL it is in
 * @param runPrefix the key prefix of the pipeline run's checkpoints under the store
 * @param key the key prefix of this checkpoint under the store (its manifest is {@code key +
 *     "manifest.json"})
 * @param files how many files it holds
 * @param bytes their total size
 */
public record CheckpointSaved(String store, String runPrefix, String key, int files, long bytes) {}
