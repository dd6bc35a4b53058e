package dev.locality.cli.batch;

import java.util.List;

/**
 * The outcome of one input of a batch.
 *
 * @param input the input URL
 * @param workflowId the run's id (derived from the input and the spec, {@link BatchIds})
 * @param runId the Temporal run, null when nothing ran
 * @param specSha256 the hash of the resolved spec of this input, null when it is invalid
 * @param result COMPLETED, FAILED (or CANCELED, TERMINATED, TIMED_OUT), SKIPPED (an earlier run of
 *     the same spec with this id completed: nothing started), INVALID (the spec with this input
 *     does not validate: nothing started) or SPEC_CONFLICT (a run of another spec, or one without a
 *     recorded spec hash, holds the id: nothing started)
 * @param durationMillis the run's wall time, -1 when unknown
 * @param rowsOut rows written by the last row-counting stage, -1 when none counts rows
 * @param outputUris what the run wrote
 * @param message the failure or validation message, null on success
 */
public record BatchRun(
    String input,
    String workflowId,
    String runId,
    String specSha256,
    String result,
    long durationMillis,
    long rowsOut,
    List<String> outputUris,
    String message) {

  public static final String SKIPPED = "SKIPPED";
  public static final String INVALID = "INVALID";
  public static final String SPEC_CONFLICT = "SPEC_CONFLICT";
  public static final String COMPLETED = "COMPLETED";

  public boolean succeeded() {
    return COMPLETED.equals(result) || SKIPPED.equals(result);
  }
}
