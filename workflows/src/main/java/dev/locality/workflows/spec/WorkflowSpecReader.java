package dev.locality.workflows.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.Problem;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.Failures;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the pipeline workflow's input, a spec document sent by any Temporal client, into a
 * validated {@link PipelineSpec}, or fails the workflow at once with a non-retryable {@link
 * Failures#INVALID_SPEC} listing every problem. The check runs once, in a side effect, so its
 * verdict is part of the history and replays identically. The verdict holds no option value (no
 * URL, so no credential or signature, is copied into history): a valid document is turned into the
 * spec in workflow code by the structure-only parser, a pure function of the document. Call only
 * from workflow code.
 */
public final class WorkflowSpecReader {
  /** Problems listed in the failure message; all of them are in its details. */
  static final int PROBLEMS_IN_MESSAGE = 50;

  private final SpecParser parser;

  /**
   * @param parser the validator (the CLI's, with this worker's stages)
   */
  public WorkflowSpecReader(SpecParser parser) {
    this.parser = parser;
  }

  /**
   * @throws ApplicationFailure of type {@link Failures#INVALID_SPEC} when the document is not a
   *     valid spec
   */
  public PipelineSpec read(JsonNode document) {
    // the first check in a JVM loads the validators (CEL, Jackson) and may take over a second, the
    // deadlock detector's limit: it would fail the workflow task and retry it for nothing
    SpecCheck check =
        Workflow.sideEffect(
            SpecCheck.class, () -> WorkflowUnsafe.deadlockDetectorOff(() -> check(document)));
    if (!check.valid()) throw invalid(check.problems(), check.total());
    if (check.spec() != null) return check.spec(); // a verdict recorded by an earlier version
    try {
      return STRUCTURE.fromTree(SpecDocument.toTree(document), null);
    } catch (RuntimeException e) { // the check accepted it: only a changed parser gets here
      throw invalid(
          List.of(Problem.global("(input)", "could not read the checked spec document: " + e)), 1);
    }
  }

  /** Builds the spec from a document the check accepted; stage options are checked already. */
  private static final SpecParser STRUCTURE = SpecParser.structureOnly();

  /** The verdict on {@code document}; never throws. */
  SpecCheck check(JsonNode document) {
    try {
      Object tree = SpecDocument.toTree(document);
      if (tree == null) {
        return SpecCheck.invalid(
            List.of(
                Problem.global(
                    "(input)",
                    "the workflow input must be the pipeline spec document, a JSON object with"
                        + " name and stages; got nothing")));
      }
      parser.fromTree(tree, null);
      return SpecCheck.validWithoutSpec();
    } catch (InvalidSpecException e) {
      return SpecCheck.invalid(e.problems());
    } catch (RuntimeException e) {
      return SpecCheck.invalid(
          List.of(Problem.global("(input)", "could not read the spec document: " + e)));
    }
  }

  private static ApplicationFailure invalid(List<Problem> problems, int total) {
    StringBuilder message =
        new StringBuilder("invalid pipeline spec (")
            .append(total)
            .append(total == 1 ? " problem):" : " problems):");
    problems.stream().limit(PROBLEMS_IN_MESSAGE).forEach(p -> message.append("\n  - ").append(p));
    int shown = Math.min(problems.size(), PROBLEMS_IN_MESSAGE);
    if (total > shown)
      message.append("\n  ... and ").append(total - shown).append(" more problems");
    List<Map<String, String>> details = new ArrayList<>();
    for (Problem p : problems) {
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("location", p.location());
      detail.put("message", p.message());
      details.add(detail);
    }
    return ApplicationFailure.newNonRetryableFailure(
        message.toString(), Failures.INVALID_SPEC, details);
  }
}
