package dev.locality.activities.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where checkpoints are kept: a flat key space of immutable objects (an S3 bucket prefix, or a
 * directory for tests and single-host setups). Implementations are thread-safe.
 */
public interface CheckpointStore {
  /**
   * Stores {@code file} under {@code key}, replacing any object there. The object becomes visible
   * only complete (a single PUT or a completed multipart upload; an atomic rename).
   *
   * @param sha256 the file's expected SHA-256 (hex); stored with the object where the store can
   * @param heartbeat called regularly while bytes move (it may throw to stop the transfer)
   * @param beforeCommit run immediately before the object is committed; what it throws prevents the
   *     commit and propagates
   */
  void put(String key, Path file, String sha256, Runnable heartbeat, Runnable beforeCommit)
      throws IOException;

  /** Stores a small object (a manifest) under {@code key}, as {@link #put} does. */
  void putBytes(String key, byte[] content, Runnable beforeCommit) throws IOException;

  /**
   * Opens the object under {@code key} for reading.
   *
   * @throws NoSuchFileException when there is no such object
   */
  InputStream open(String key) throws IOException;

  /** Deletes every object whose key starts with {@code prefix}; returns how many. */
  int deleteAll(String prefix, Runnable heartbeat) throws IOException;

  /** The store's URL with {@code key} appended, for messages. */
  String describe(String key);
}
