package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.cli.batch.BatchInputs;
import dev.locality.cli.batch.BatchRun;
import dev.locality.cli.batch.BatchRunner;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.connect.TemporalConnector;
import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.cli.report.Formats;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.TextTable;
import dev.locality.cli.spec.SpecHash;
import dev.locality.cli.spec.SpecLoader;
import dev.locality.cli.spec.SpecOverrides;
import dev.locality.cli.start.PipelineStarter;
import dev.locality.worker.StageCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality batch SPEC --inputs FILE|GLOB}: one pipeline run per input, the input set at
 * {@code --input-key} (default the first stage's {@code url}), at most {@code --parallel} at once,
 * then one table of all runs. Ids are derived from pipeline name, input and the hash of the
 * resolved spec ({@link dev.locality.cli.batch.BatchIds}), so running the same batch again skips
 * the inputs that already completed under the same spec and re-runs the ones that failed; after the
 * spec (or a {@code --set} value) changed, every input runs again. Exit 0 when every input
 * completed (or was skipped), 1 when any failed or was invalid, 2 for a bad spec or command line.
 * Stage plugins come from {@code --plugins-dir} (default {@code LOCALITY_PLUGINS_DIR}), for
 * validation and the embedded worker.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a pipeline once per input: a manifest file of URLs (one per line) or local files"
          + " matched by a glob. Each input replaces the first stage's url (or --input-key).",
      "Ids are <name>-<12 hex of sha256(input, spec hash)>: the same batch run again skips inputs"
          + " that completed under the same spec and retries those that failed; an edited spec runs"
          + " every input again. Exit 1 if any input failed."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality batch daily.yaml --inputs 'landing/2026-11-*.csv.gz' --parallel 4",
      "  locality batch daily.yaml --inputs urls.txt --json > batch.json",
      "  locality batch daily.yaml --inputs urls.txt --input-key stages[0].url \\",
      "      --set stages[3].to=file:///data/out/{workflowId}/{file}",
      "  locality batch geo.yaml --inputs 'landing/*.csv' --plugins-dir /opt/locality/plugins"
    })
final class BatchCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "pipeline spec file (.yaml/.json)")
  Path specFile;

  @Option(
      names = "--inputs",
      required = true,
      arity = "1..*",
      paramLabel = "FILE|GLOB",
      description =
          "a manifest of input URLs (one per line, # comments), a glob of local files"
              + " (quote it), or files")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--input-key",
      paramLabel = "PATH",
      defaultValue = "stages[0].url",
      description = "where each input goes in the spec (default: ${DEFAULT-VALUE})")
  String inputKey;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "4",
      description = "pipelines running at once (default: ${DEFAULT-VALUE})")
  int parallel;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description = "override a spec value for every run (as in 'locality run'); repeatable")
  List<String> sets = new ArrayList<>();

  @Option(names = "--json", description = "print one JSON object on stdout instead of the table")
  boolean json;

  @Option(
      names = {"--queue", "--shared-queue"},
      paramLabel = "QUEUE",
      defaultValue = "${env:LOCALITY_SHARED_QUEUE:-locality}",
      description = "shared task queue the workers poll (default: ${DEFAULT-VALUE})")
  String queue;

  @Mixin PluginsDirOption plugins;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (parallel < 1) {
      spec.commandLine().getErr().println("locality: --parallel must be at least 1");
      return ExitCodes.USAGE;
    }
    Path pluginsDir = plugins.resolve(cli.env());
    try (StageCatalog stages = LocalityCli.stages(pluginsDir)) {
      return run(new SpecLoader(stages.registry()), new SpecHash(stages.registry()), pluginsDir);
    }
  }

  /** The command line's overrides and inputs, the spec valid with the first input. */
  private record Prepared(SpecOverrides overrides, List<String> inputs) {}

  /** Validates the spec with the first input, then runs every input; {@code loader} stays open. */
  private int run(SpecLoader loader, SpecHash specHash, Path pluginsDir)
      throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Prepared prepared =
        SpecProblems.loadOrReport(
            specFile,
            file -> {
              SpecOverrides overrides = SpecOverrides.parse(sets, Path.of(""));
              List<String> resolved = BatchInputs.resolve(inputs, Path.of(""));
              loader.load(file, overrides.with(inputKey, resolved.get(0)));
              return new Prepared(overrides, resolved);
            },
            json,
            out,
            err);
    if (prepared == null) return ExitCodes.USAGE;
    SpecOverrides overrides = prepared.overrides();
    List<String> resolved = prepared.inputs();
    if (cli.connector().mode() == TemporalConnector.Mode.EMBEDDED) {
      err.println(
          "locality: using an embedded Temporal server and worker in this process (no"
              + " TEMPORAL_ADDRESS, nothing on 127.0.0.1:7233): runs are not remembered after"
              + " this batch");
    }
    err.println(
        "locality: "
            + resolved.size()
            + (resolved.size() == 1 ? " input" : " inputs")
            + ", at most "
            + parallel
            + " at once");
    err.flush();
    try (TemporalConnection connection = cli.connector().connectOrEmbed(queue, pluginsDir)) {
      BatchRunner runner =
          new BatchRunner(
              input -> {
                try {
                  return loader.load(specFile, overrides.with(inputKey, input));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              specHash,
              new PipelineStarter(connection.client(), queue),
              new PipelineInspector(connection.client(), Duration.ofSeconds(3)),
              parallel,
              line -> {
                synchronized (err) {
                  err.println("  " + line);
                  err.flush();
                }
              });
      List<BatchRun> runs = runner.run(resolved);
      boolean anyFailed = runs.stream().anyMatch(r -> !r.succeeded());
      if (json) out.println(new JsonReport().write(toJson(runs)));
      else out.print(table(runs));
      out.flush();
      return anyFailed ? ExitCodes.PIPELINE_FAILED : ExitCodes.SUCCESS;
    }
  }

  private static String table(List<BatchRun> runs) {
    TextTable table =
        new TextTable("INPUT", "ID", "RESULT", "DURATION>", "ROWS OUT>", "OUTPUT / FAILURE");
    for (BatchRun run : runs) {
      String detail =
          run.message() != null && !run.result().equals(BatchRun.SKIPPED)
              ? run.message()
              : run.outputUris().isEmpty() ? "" : String.join(" ", run.outputUris());
      table.row(
          shortInput(run.input()),
          run.workflowId() == null ? "-" : run.workflowId(),
          run.result(),
          Formats.duration(run.durationMillis()),
          Formats.count(run.rowsOut()),
          detail);
    }
    long completed = runs.stream().filter(r -> BatchRun.COMPLETED.equals(r.result())).count();
    long skipped = runs.stream().filter(r -> BatchRun.SKIPPED.equals(r.result())).count();
    long failed = runs.size() - completed - skipped;
    return table.render("")
        + "\n"
        + runs.size()
        + " inputs: "
        + completed
        + " completed, "
        + skipped
        + " skipped (already done under the same spec), "
        + failed
        + " failed\n";
  }

  private static String shortInput(String input) {
    int slash = input.lastIndexOf('/');
    String name = slash >= 0 && slash < input.length() - 1 ? input.substring(slash + 1) : input;
    return name.length() > 48 ? "…" + name.substring(name.length() - 47) : name;
  }

  private static ObjectNode toJson(List<BatchRun> runs) {
    JsonReport report = new JsonReport();
    ObjectNode root = report.mapper().createObjectNode();
    long completed = runs.stream().filter(r -> BatchRun.COMPLETED.equals(r.result())).count();
    long skipped = runs.stream().filter(r -> BatchRun.SKIPPED.equals(r.result())).count();
    root.put("status", runs.stream().allMatch(BatchRun::succeeded) ? "COMPLETED" : "FAILED");
    root.put("total", runs.size());
    root.put("completed", completed);
    root.put("skipped", skipped);
    root.put("failed", runs.size() - completed - skipped);
    ArrayNode array = root.putArray("runs");
    for (BatchRun run : runs) array.add(report.mapper().valueToTree(run));
    return root;
  }
}
