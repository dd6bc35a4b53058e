package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.connect.TemporalConnector;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.PipelineReport;
import dev.locality.cli.report.SummaryFormatter;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality run SPEC}: validates the spec locally (every problem reported, exit 2), starts
 * the {@code pipeline} workflow on the shared queue and prints its workflow id; with {@code --wait}
 * (implied by the embedded default) waits for the end and prints the summary (exit 0) or the
 * failure (exit 1).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a pipeline spec (YAML or JSON) and start it.",
      "Without TEMPORAL_ADDRESS and with nothing on 127.0.0.1:7233, runs an embedded server and"
          + " worker in this process and waits for the result."
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "pipeline spec file (.yaml/.json)")
  Path specFile;

  @Option(
      names = "--wait",
      description = "wait for the pipeline to end and print its summary (exit 1 if it failed)")
  boolean wait;

  @Option(
      names = "--json",
      description =
          "print one JSON object on stdout instead of text (with the result when waiting)")
  boolean json;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "workflow id (default: <name>-<yyyyMMdd-HHmmss>-<4 hex>)")
  String workflowId;

  @Option(
      names = {"--queue", "--shared-queue"},
      paramLabel = "QUEUE",
      defaultValue = "${env:LOCALITY_SHARED_QUEUE:-locality}",
      description = "shared task queue the workers poll (default: ${DEFAULT-VALUE})")
  String queue;

  @Option(
      names = "--embedded",
      description =
          "always use an in-process server and worker, even if a server is configured or"
              + " listening (implies --wait)")
  boolean embedded;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PipelineSpec pipeline;
    try {
      pipeline = new SpecParser(cli.registry()).parse(specFile);
    } catch (InvalidSpecException e) {
      SpecProblems.report(e, specFile, json, out, err);
      return ExitCodes.USAGE;
    } catch (IOException e) {
      err.println("locality: cannot read spec " + specFile + ": " + e);
      return ExitCodes.USAGE;
    }
    String id = workflowId != null ? workflowId : WorkflowIds.system().next(pipeline.name());
    if (embedded || cli.connector().mode() == TemporalConnector.Mode.EMBEDDED) {
      err.println(
          "locality: using an embedded Temporal server and worker in this process"
              + (embedded
                  ? ""
                  : " (no TEMPORAL_ADDRESS, nothing on 127.0.0.1:7233; 'locality server' starts"
                      + " a shared one)"));
      err.flush();
    }
    try (TemporalConnection connection =
        embedded ? cli.connector().embedded(queue) : cli.connector().connect(true, queue)) {
      WorkflowExecution execution;
      try {
        execution = start(connection.client(), pipeline, id);
      } catch (WorkflowExecutionAlreadyStarted e) {
        err.println("locality: a pipeline with id " + id + " is already running");
        return ExitCodes.USAGE;
      }
      if (!json) out.println(id);
      if (!wait && !connection.isEmbedded()) {
        if (json) {
          ObjectNode started = new JsonReport().mapper().createObjectNode();
          started.put("workflowId", id);
          started.put("runId", execution.getRunId());
          started.put("status", PipelineReport.RUNNING);
          started.put("name", pipeline.name());
          out.println(new JsonReport().write(started));
        }
        return ExitCodes.SUCCESS;
      }
      PipelineReport report;
      try (ProgressWatcher progress =
          json
              ? null
              : ProgressWatcher.start(
                  connection.client(), id, execution.getRunId(), err, Duration.ofSeconds(1))) {
        report =
            new PipelineInspector(connection.client(), Duration.ofSeconds(3))
                .awaitEnd(id, execution.getRunId());
      }
      out.print(
          json ? new JsonReport().toJson(report) + "\n" : new SummaryFormatter().format(report));
      out.flush();
      return report.exitCode();
    }
  }

  private WorkflowExecution start(WorkflowClient client, PipelineSpec pipeline, String id) {
    PipelineWorkflow workflow =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build());
    return WorkflowClient.start(workflow::run, pipeline);
  }
}
