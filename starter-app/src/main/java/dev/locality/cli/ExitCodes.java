package dev.locality.cli;

/** Process exit codes of every {@code locality} command. Scripts rely on them: keep them stable. */
public final class ExitCodes {
  /**
   * The command did what was asked; for {@code run --wait} and {@code status}: the pipeline
   * completed (or, for {@code status}, is still running).
   */
  public static final int SUCCESS = 0;

  /**
   * The pipeline failed (or was cancelled, terminated or timed out), or Temporal could not be
   * reached.
   */
  public static final int PIPELINE_FAILED = 1;

  /** Invalid spec, bad command line, or an argument naming nothing (unknown pipeline id). */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
