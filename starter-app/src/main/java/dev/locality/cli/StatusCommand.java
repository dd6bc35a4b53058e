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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality status ID}: the state of one pipeline run. Running: sessions and stage states
 * from the workflow's {@code status} query plus in-flight stages' heartbeat progress (exit 0).
 * Completed: the result (exit 0). Failed, cancelled, terminated or timed out: the failure (exit 1).
 * Unknown id: "no pipeline with id X" (exit 2). Never starts an embedded server: there would be
 * nothing in it.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a pipeline run: live progress while running, else its result or failure.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality status zipcodes-north-20261125-101500-3fa2",
      "  locality status daily-2026-11-25 --json | jq .status",
      "Exit codes: 0 completed or running, 1 failed/cancelled/terminated/timed out, 2 unknown id."
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Mixin RunSelection run;

  @Option(names = "--json", description = "print one JSON object on stdout instead of text")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = cli.connector().connect()) {
      PipelineReport report =
          new PipelineInspector(connection.client(), Duration.ofSeconds(5))
              .report(run.workflowId, run.runId);
      out.print(
          json ? new JsonReport().toJson(report) + "\n" : new SummaryFormatter().format(report));
      out.flush();
      return report.exitCode();
    }
  }
}
