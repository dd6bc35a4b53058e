package dev.locality.cli;

import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.PipelineReport;
import dev.locality.cli.report.SummaryFormatter;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality cancel ID}: asks a running pipeline to stop. The workflow cancels the stage in
 * flight (the stage sees it on its next heartbeat and deletes its partial outputs), closes the
 * session (the worker deletes the session directory and frees the slot) and ends as cancelled. With
 * {@code --wait} (the default) the command returns once the run has ended and prints its final
 * state; exit 0 when it ended cancelled or had already ended, 2 for an unknown id. Idempotent:
 * cancelling a finished pipeline changes nothing.
 */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = "Cancel a running pipeline: stop its stage, close its session, delete its files.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality cancel daily-2026-11-25",
      "  locality cancel daily-2026-11-25 --no-wait",
      "  locality list --running --json | jq -r '.pipelines[].workflowId' | xargs -n1 locality cancel"
    })
final class CancelCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID", description = "the pipeline's workflow id")
  String workflowId;

  @Option(
      names = "--no-wait",
      description = "return once the cancel is requested instead of when the run has ended")
  boolean noWait;

  @Option(names = "--json", description = "print one JSON object on stdout instead of text")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (TemporalConnection connection = cli.connector().connect()) {
      PipelineInspector inspector =
          new PipelineInspector(connection.client(), Duration.ofSeconds(5));
      PipelineReport before = inspector.report(workflowId, null); // unknown id: exit 2
      if (!PipelineReport.RUNNING.equals(before.status())) {
        err.println("pipeline " + workflowId + " has already ended (" + before.status() + ")");
        print(out, before);
        return 0;
      }
      connection.client().newUntypedWorkflowStub(workflowId).cancel();
      err.println("cancel requested for " + workflowId);
      if (noWait) return 0;
      PipelineReport after = inspector.awaitEnd(workflowId, before.runId());
      print(out, after);
      return "CANCELED".equals(after.status()) ? 0 : after.exitCode();
    }
  }

  private void print(PrintWriter out, PipelineReport report) {
    out.print(
        json ? new JsonReport().toJson(report) + "\n" : new SummaryFormatter().format(report));
    out.flush();
  }
}
