package dev.locality.workflows.spec;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.Problem;
import java.util.List;

/**
 * The outcome of checking a workflow's spec document, recorded in the workflow's history (a side
 * effect), so a replay sees the same verdict even after the worker's stages or validator changed.
 *
 * @param spec the validated spec, or null when there are problems
 * @param problems the problems found (at most a few hundred are kept), empty when it is valid
 * @param total how many problems there are in all
 */
public record SpecCheck(PipelineSpec spec, List<Problem> problems, int total) {
  public SpecCheck {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  static SpecCheck valid(PipelineSpec spec) {
    return new SpecCheck(spec, List.of(), 0);
  }

  /** Problems kept in the history; a document with more is reported with a count of the rest. */
  static final int PROBLEMS_KEPT = 200;

  static SpecCheck invalid(List<Problem> problems) {
    return new SpecCheck(
        null, problems.subList(0, Math.min(PROBLEMS_KEPT, problems.size())), problems.size());
  }

  public boolean valid() {
    return spec != null && problems.isEmpty();
  }
}
