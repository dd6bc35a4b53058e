package dev.locality.workflows.spec;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.Problem;
import java.util.List;

/**
 * The outcome of checking a workflow's spec document, recorded in the workflow's history (a side
 * effect), so a replay sees the same verdict even after the worker's stages or validator changed.
 *
 * <p>A valid verdict does not carry the spec: the spec's option values hold URLs with credentials
 * and presigned signatures, and a side effect's value is written to history as a marker, a copy the
 * workflow does not need (it has its input). Verdicts recorded before this change carry it ({@code
 * spec} set, {@code specOmitted} false); {@link WorkflowSpecReader} uses it when present.
 *
 * @param spec the validated spec as recorded by earlier versions; null in new verdicts
 * @param problems the problems found (at most a few hundred are kept), empty when it is valid
 * @param total how many problems there are in all
 * @param specOmitted true for a valid verdict that does not carry the spec
 */
public record SpecCheck(PipelineSpec spec, List<Problem> problems, int total, boolean specOmitted) {
  public SpecCheck {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /** A valid verdict, without the spec (see the class comment). */
  static SpecCheck validWithoutSpec() {
    return new SpecCheck(null, List.of(), 0, true);
  }

  /** Problems kept in the history; a document with more is reported with a count of the rest. */
  static final int PROBLEMS_KEPT = 200;

  static SpecCheck invalid(List<Problem> problems) {
    return new SpecCheck(
        null,
        problems.subList(0, Math.min(PROBLEMS_KEPT, problems.size())),
        problems.size(),
        false);
  }

  public boolean valid() {
    return (spec != null || specOmitted) && problems.isEmpty();
  }
}
