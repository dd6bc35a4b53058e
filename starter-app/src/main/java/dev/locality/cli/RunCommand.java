package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.connect.TemporalConnector;
import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.PipelineReport;
import dev.locality.cli.report.SummaryFormatter;
import dev.locality.cli.spec.SpecHash;
import dev.locality.cli.spec.SpecLoader;
import dev.locality.cli.spec.SpecOverrides;
import dev.locality.cli.start.PipelineStarter;
import dev.locality.cli.start.SpecConflictException;
import dev.locality.worker.StageCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality run SPEC}: validates the spec locally, after applying {@code --set} overrides to
 * its tree (every problem reported, exit 2), starts the {@code pipeline} workflow on the shared
 * queue and prints its workflow id; with {@code --wait} (implied by the embedded default) waits for
 * the end and prints the summary (exit 0) or the failure (exit 1); with {@code --watch} shows the
 * live view while waiting. Stage plugins come from {@code --plugins-dir} (default {@code
 * LOCALITY_PLUGINS_DIR}): the spec is validated with their declarations and the embedded worker
 * loads them (a worker of a real cluster needs them in its own plugins directory).
 *
 * <p>Idempotent with {@code --id} ({@link PipelineStarter}) per spec: a second run of the same
 * resolved spec ({@link SpecHash}, recorded on the run) with the id of a running pipeline attaches
 * to it, with the id of a completed one reports it; neither starts a twin. An id whose run failed
 * starts a new run. The id of a running or completed run of another spec is refused (exit 2, both
 * hashes named, nothing started); so is one of a run without a recorded hash (started by another
 * client) unless {@code --force-attach}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Validate a pipeline spec (YAML or JSON) and start it.",
      "Without TEMPORAL_ADDRESS and with nothing on 127.0.0.1:7233, runs an embedded server and"
          + " worker in this process and waits for the result.",
      "With --id the start is idempotent per spec: the id of a running pipeline of the same spec"
          + " (sha256 of the resolved spec, recorded on the run) attaches to it, of a completed one"
          + " reports it (nothing new starts), of a failed one starts a new run. The id of a"
          + " running or completed run of another spec is refused (exit 2).",
      "Stages of plugin jars: --plugins-dir (validation and the embedded worker; the workers of a"
          + " cluster load their own).",
      "File access of the embedded worker is unrestricted: file: downloads and uploads reach any"
          + " path you can, except /proc, /sys, /dev and its own directories. A shared worker"
          + " ('locality worker') limits them with --allowed-file-roots and --allowed-upload-roots.",
      "Exit codes: 0 completed (or started), 1 failed, 2 invalid spec, usage or spec conflict."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality run examples/zipcodes-north.yaml --watch",
      "  locality run daily.yaml --set stages[0].url=https://host/2026-11-25.csv.gz \\",
      "      --set session.maxWorkerAttempts=5 --id daily-2026-11-25 --wait",
      "  locality run daily.yaml --json | jq -r .workflowId",
      "  locality run daily.yaml --wait --json > result.json",
      "  locality run geo.yaml --plugins-dir plugins --wait"
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "pipeline spec file (.yaml/.json)")
  Path specFile;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description =
          "override a spec value before validation, e.g. stages[0].url=https://host/x.csv.gz,"
              + " session.maxWorkerAttempts=5, name=x; repeatable; null removes a key")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--id",
      paramLabel = "ID",
      description =
          "workflow id, makes the start idempotent for this spec (default:"
              + " <name>-<yyyyMMdd-HHmmss>-<4 hex>)")
  String workflowId;

  @Option(
      names = "--force-attach",
      description =
          "with --id: attach to (or report) a run that has no recorded spec hash (started by"
              + " another client) instead of refusing it; a run of another spec is still refused")
  boolean forceAttach;

  @Option(
      names = "--wait",
      description = "wait for the pipeline to end and print its summary (exit 1 if it failed)")
  boolean wait;

  @Option(names = "--watch", description = "wait with the live view (see 'locality watch')")
  boolean watch;

  @Option(
      names = "--json",
      description =
          "print one JSON object on stdout instead of text (with the result when waiting)")
  boolean json;

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

  @Mixin PluginsDirOption plugins;

  @Mixin LiveViewOptions live;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path pluginsDir = plugins.resolve(cli.env());
    PipelineSpec pipeline;
    String specSha256 = null;
    try (StageCatalog stages = LocalityCli.stages(pluginsDir)) {
      SpecLoader loader = new SpecLoader(stages.registry());
      pipeline =
          SpecProblems.loadOrReport(
              specFile,
              file -> loader.load(file, SpecOverrides.parse(sets, Path.of(""))),
              json,
              out,
              err);
      if (pipeline != null) specSha256 = new SpecHash(stages.registry()).of(pipeline);
    }
    if (pipeline == null) return ExitCodes.USAGE;
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
        embedded
            ? cli.connector().embedded(queue, pluginsDir)
            : cli.connector().connectOrEmbed(queue, pluginsDir)) {
      PipelineStarter.Started started;
      try {
        started =
            new PipelineStarter(connection.client(), queue, forceAttach)
                .start(pipeline, specSha256, id, Map.of());
      } catch (SpecConflictException e) {
        return refuse(e, out, err);
      }
      PipelineInspector inspector =
          new PipelineInspector(connection.client(), Duration.ofSeconds(3));
      switch (started.outcome()) {
        case ALREADY_COMPLETED:
          err.println(
              "locality: pipeline "
                  + id
                  + " already completed (run "
                  + started.runId()
                  + sameSpec(started)
                  + "); not starting it again");
          err.flush();
          return print(out, inspector.report(id, started.runId()), started.specSha256(), false);
        case ALREADY_RUNNING:
          err.println(
              "locality: pipeline "
                  + id
                  + " is already running (run "
                  + started.runId()
                  + sameSpec(started)
                  + "); attaching to it instead of starting another");
          err.flush();
          break;
        default:
          break;
      }
      if (!json) out.println(id);
      out.flush();
      if (watch) {
        return live.watchAndReport(
            connection, id, started.runId(), json, cli.env(), out, err, List.of());
      }
      if (!wait && !connection.isEmbedded()) {
        if (json) {
          ObjectNode node = new JsonReport().mapper().createObjectNode();
          node.put("workflowId", id);
          node.put("runId", started.runId());
          node.put("status", PipelineReport.RUNNING);
          node.put("name", pipeline.name());
          node.put("specSha256", specSha256);
          node.put("started", started.isNew());
          out.println(new JsonReport().write(node));
        }
        return ExitCodes.SUCCESS;
      }
      PipelineReport report;
      try (ProgressWatcher progress =
          json
              ? null
              : ProgressWatcher.start(
                  connection.client(), id, started.runId(), err, Duration.ofSeconds(1))) {
        report = inspector.awaitEnd(id, started.runId());
      }
      return print(out, report, started.specSha256(), started.isNew());
    }
  }

  /** How an existing run's spec compares: the same hash, or none recorded (--force-attach). */
  private static String sameSpec(PipelineStarter.Started started) {
    return started.specSha256() == null
        ? ", no spec hash recorded: attached with --force-attach"
        : ", same spec " + SpecHash.shortForm(started.specSha256());
  }

  /** Reports a start refused for its spec, with how to proceed; exit 2. */
  private int refuse(SpecConflictException e, PrintWriter out, PrintWriter err) {
    err.println("locality: " + e.getMessage() + ".");
    if (e.unknownSpec()) {
      err.println(
          "locality: give a new --id to start this spec, or --force-attach to "
              + (e.running() ? "attach to" : "report")
              + " that run anyway");
    } else {
      err.println(
          "locality: give a new --id to start this spec, or run the spec that run was started"
              + " with (spec "
              + SpecHash.shortForm(e.existingSpecSha256())
              + ") to "
              + (e.running() ? "attach to it" : "report it"));
    }
    err.flush();
    if (json) {
      ObjectNode node = new JsonReport().mapper().createObjectNode();
      node.put("status", "SPEC_CONFLICT");
      node.put("workflowId", e.workflowId());
      node.put("runId", e.runId());
      node.put("existingStatus", e.running() ? PipelineReport.RUNNING : "COMPLETED");
      node.put("specSha256", e.specSha256());
      node.put("existingSpecSha256", e.existingSpecSha256());
      node.put("started", false);
      node.put("message", e.getMessage());
      out.println(new JsonReport().write(node));
      out.flush();
    }
    return ExitCodes.USAGE;
  }

  /**
   * Prints the summary, or the JSON report with {@code "started"}: whether this command started the
   * run (false when it found one with the same id).
   */
  private int print(
      PrintWriter out, PipelineReport report, String specSha256, boolean startedHere) {
    if (json) {
      JsonReport renderer = new JsonReport();
      ObjectNode tree = renderer.toTree(report);
      tree.put("specSha256", specSha256);
      tree.put("started", startedHere);
      out.println(renderer.write(tree));
    } else {
      out.print(new SummaryFormatter().format(report));
    }
    out.flush();
    return report.exitCode();
  }
}
