package dev.locality.cli.start;

import dev.locality.cli.spec.SpecHash;

/**
 * A start found its workflow id taken by a run (running or completed) of another spec, or of a spec
 * it cannot identify, and started nothing. The message names the id, the run, its state and both
 * spec hashes (short form); the CLI adds how to proceed.
 */
public final class SpecConflictException extends RuntimeException {
  private final String workflowId;
  private final String runId;
  private final boolean running;
  private final String specSha256;
  private final String existingSpecSha256;

  /**
   * @param running whether the existing run is running (else it completed)
   * @param specSha256 the hash of the spec this start was given
   * @param existingSpecSha256 the hash recorded on the existing run; null when it has none
   */
  public SpecConflictException(
      String workflowId,
      String runId,
      boolean running,
      String specSha256,
      String existingSpecSha256) {
    super(message(workflowId, runId, running, specSha256, existingSpecSha256));
    this.workflowId = workflowId;
    this.runId = runId;
    this.running = running;
    this.specSha256 = specSha256;
    this.existingSpecSha256 = existingSpecSha256;
  }

  private static String message(
      String workflowId, String runId, boolean running, String mine, String theirs) {
    String run =
        "pipeline " + workflowId + " (run " + runId + ", " + (running ? "running" : "completed");
    if (theirs == null) {
      return run
          + ") was started without a spec hash (memo "
          + PipelineStarter.MEMO_SPEC_SHA256
          + ": by another client or an older locality), so whether it "
          + (running ? "runs" : "ran")
          + " this spec (spec "
          + SpecHash.shortForm(mine)
          + ") is unknown; nothing was started";
    }
    return run
        + ") was started with spec "
        + SpecHash.shortForm(theirs)
        + ", not this spec "
        + SpecHash.shortForm(mine)
        + " (the spec or a --set value changed); nothing was started";
  }

  public String workflowId() {
    return workflowId;
  }

  public String runId() {
    return runId;
  }

  /** Whether the existing run is running (else it completed). */
  public boolean running() {
    return running;
  }

  public String specSha256() {
    return specSha256;
  }

  /** The hash recorded on the existing run, null when it has none. */
  public String existingSpecSha256() {
    return existingSpecSha256;
  }

  /** Whether the existing run carries no spec hash (another client started it). */
  public boolean unknownSpec() {
    return existingSpecSha256 == null;
  }
}
