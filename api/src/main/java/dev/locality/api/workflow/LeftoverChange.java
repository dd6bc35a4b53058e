package dev.locality.api.workflow;

import dev.locality.stage.Leftovers;

/**
 * A stage attempt recorded or forgot a {@link Leftovers.Leftover}: the payload of the {@value
 * #SIGNAL} signal a worker sends to the pipeline's workflow.
 *
 * @param stage the stage's index in the spec
 * @param leftover what was created outside the worker
 * @param recorded true when recorded (created, not yet finished or undone), false when forgotten
 */
public record LeftoverChange(int stage, Leftovers.Leftover leftover, boolean recorded) {
  /** The signal's name. */
  public static final String SIGNAL = "leftover";

  /** The name of the query that lists a stage's recorded leftovers. */
  public static final String QUERY = "leftovers";
}
