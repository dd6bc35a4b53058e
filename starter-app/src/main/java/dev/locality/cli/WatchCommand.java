package dev.locality.cli;

import dev.locality.cli.connect.TemporalConnection;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality watch ID}: follows a pipeline run live until it ends, then prints the summary and
 * exits with the run's exit code (0 completed, 1 otherwise; 2 for an unknown id). A run that has
 * already ended is summarised at once. Never starts an embedded server.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Follow a pipeline run live: one row per stage with its state, worker and a progress bar"
          + " (amount, rate, ETA) from the stage's heartbeats, and the session events (opened on"
          + " a worker, worker lost, failed over).",
      "On a terminal the view is redrawn in place; piped or with --plain it prints plain lines."
          + " Ends with the summary; the exit code is the run's (0 completed, 1 failed)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality watch zipcodes-north-20261125-101500-3fa2",
      "  locality watch sales-2026-11-25 --plain | tee watch.log",
      "  locality watch sales-2026-11-25 --json > result.json    # live lines on stderr"
    })
final class WatchCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;
  @Mixin LiveViewOptions live;

  @Mixin RunSelection run;

  @Option(
      names = "--json",
      description = "at the end print one JSON object on stdout (the live lines go to stderr)")
  boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    try (TemporalConnection connection = cli.connector().connect()) {
      return live.watchAndReport(
          connection,
          run.workflowId,
          run.runId,
          json,
          cli.env(),
          spec.commandLine().getOut(),
          spec.commandLine().getErr(),
          List.of());
    }
  }
}
