package dev.locality.activities.dispatch;

import dev.locality.stage.Leftovers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the {@link Leftovers} of each stage of each pipeline are kept: the record {@code
 * StageContext.leftovers()} hands a stage attempt. Thread-safe.
 */
public interface LeftoverLedger {
  /** The record of stage {@code stage} of the pipeline run {@code workflowId}. */
  Leftovers of(String workflowId, int stage);

  /**
   * A ledger in this process's memory: survives retries on this worker, not a failover. For
   * dispatchers without a Temporal client (tests).
   */
  static LeftoverLedger inMemory() {
    Map<String, Leftovers> records = new ConcurrentHashMap<>();
    return (workflowId, stage) ->
        records.computeIfAbsent(workflowId + "\n" + stage, k -> Leftovers.inMemory());
  }
}
