package dev.locality.workflows.internal;

import dev.locality.api.workflow.LeftoverChange;
import dev.locality.stage.Leftovers.Leftover;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leftovers each stage of the pipeline recorded and has not forgotten (see {@link
 * dev.locality.stage.Leftovers}), kept across sessions: a failover keeps them, so the stage's next
 * attempt on the new worker undoes what the lost worker left. Workflow state, changed only by
 * signals (so replay rebuilds it); never drives a command.
 */
public final class StageLeftovers {
  private final Map<Integer, Set<Leftover>> byStage = new TreeMap<>();

  /** Applies a recorded or forgotten leftover. */
  public void apply(LeftoverChange change) {
    if (change == null || change.leftover() == null) return;
    if (change.recorded()) {
      byStage.computeIfAbsent(change.stage(), s -> new LinkedHashSet<>()).add(change.leftover());
    } else {
      Set<Leftover> set = byStage.get(change.stage());
      if (set != null) set.remove(change.leftover());
    }
  }

  /** Stage {@code stage}'s leftovers, oldest first. */
  public List<Leftover> of(int stage) {
    return List.copyOf(byStage.getOrDefault(stage, Set.of()));
  }
}
