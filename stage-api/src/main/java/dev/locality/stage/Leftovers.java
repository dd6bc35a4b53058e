package dev.locality.stage;

import java.io.IOException;
import java.util.List;

/**
 * What a stage created outside the worker and must undo unless it finishes it: a multipart upload
 * to S3, a temporary table, a lock in another system. The pipeline keeps the record, not the
 * worker, so a later attempt of the same stage of the same pipeline finds what an earlier one left
 * <em>wherever that ran</em>: after a retry on this worker, and after a failover from a worker that
 * died, was cut off the network or froze. The later attempt undoes each leftover it finds, then
 * {@linkplain #forget forgets} it.
 *
 * <p>The contract for a stage: {@link #record} a leftover right after creating it and before using
 * it (when {@code record} throws, undo the thing at once and fail); {@link #forget} it once it is
 * finished or undone; at the start, undo everything {@link #recorded} of its kind. Undoing must be
 * idempotent: a leftover may be recorded still when it was finished (the attempt died between
 * finishing and forgetting), so "not found" means done.
 *
 * <p>On a worker the record lives in the pipeline's workflow (a signal per change, a query to
 * read); it is scoped to one stage (its index) of one pipeline run. In the test kit it lives in the
 * runner. Implementations are thread-safe.
 */
public interface Leftovers {
  /**
   * One leftover.
   *
   * @param kind what it is, chosen by the stage, e.g. {@code s3-multipart-upload}
   * @param resource where it is, e.g. {@code s3://bucket/key}; no credentials
   * @param id its identity there, e.g. the upload id
   */
  record Leftover(String kind, String resource, String id) {}

  /**
   * Records a leftover; returns once the record is durable (on a worker: the workflow holds it).
   *
   * @throws IOException when it could not be recorded; the caller undoes the leftover and fails
   */
  void record(Leftover leftover) throws IOException;

  /**
   * Forgets a leftover that was finished or undone. Best effort: a failure is logged, not thrown
   * (the next attempt then undoes a finished thing, which must be harmless).
   */
  void forget(Leftover leftover);

  /**
   * The leftovers of {@code kind} recorded and not forgotten, oldest first.
   *
   * @throws IOException when the record cannot be read now
   */
  List<Leftover> recorded(String kind) throws IOException;

  /** A record kept in this object only: for one attempt, or a test. */
  static Leftovers inMemory() {
    return new InMemoryLeftovers();
  }
}
