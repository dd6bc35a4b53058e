package dev.locality.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The run that {@code status} and {@code watch} look at: {@code ID [--run-id RUN_ID]}. */
final class RunSelection {
  @Parameters(index = "0", paramLabel = "ID", description = "the pipeline's workflow id")
  String workflowId;

  @Option(
      names = "--run-id",
      paramLabel = "RUN_ID",
      description = "a specific run (default: the latest run of ID)")
  String runId;
}
