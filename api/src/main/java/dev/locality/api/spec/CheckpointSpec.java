package dev.locality.api.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which stages' outputs are checkpointed to a store for cross-worker failover, and where.
 *
 * <p>When a checkpointed stage completes, its outputs are copied to the store in the background of
 * the next stage; when the session is then lost and the pipeline fails over to another worker, the
 * newest completed checkpoint is restored into the new session instead of redoing the stages up to
 * it. Set per stage ({@code checkpoint: s3://bucket/prefix/}) or for the session ({@code
 * session.checkpoint} as the store, {@code session.checkpointAfter} naming stage types).
 *
 * @param stores the store URL ({@code s3://bucket/prefix/} or {@code file:///dir/}, always ending
 *     in '/') of each checkpointed stage, by stage index; empty when nothing is checkpointed
 * @param keep whether checkpoints stay in the store after the pipeline succeeded (by default they
 *     are deleted then)
 */
public record CheckpointSpec(Map<Integer, String> stores, boolean keep) {
  public static final CheckpointSpec NONE = new CheckpointSpec(Map.of(), false);

  public CheckpointSpec {
    stores = stores == null ? Map.of() : Map.copyOf(new TreeMap<>(stores));
  }

  /** The store of stage {@code index}, or null when it is not checkpointed. */
  public String storeOf(int index) {
    return stores.get(index);
  }

  /** Whether any stage is checkpointed. */
  public boolean any() {
    return !stores.isEmpty();
  }
}
