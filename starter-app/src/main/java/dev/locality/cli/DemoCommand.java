package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecParser;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.demo.DemoDataset;
import dev.locality.cli.demo.DemoOrigin;
import dev.locality.cli.demo.KillSwitch;
import dev.locality.cli.demo.WorkerProcesses;
import dev.locality.cli.report.Formats;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.PipelineReport;
import dev.locality.cli.spec.SpecHash;
import dev.locality.cli.start.PipelineStarter;
import dev.locality.cli.watch.WatchHook;
import dev.locality.worker.StageCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality demo}: the whole system on one machine in one command. Starts the embedded
 * Temporal server on a free port, two worker <em>processes</em> ({@code demo-w1}, {@code demo-w2},
 * one session slot each), and an HTTP origin serving a generated gzipped CSV; runs download →
 * decompress → transform-csv → upload with the live view; with {@code --kill-worker-at STAGE} kills
 * the worker holding the session (SIGKILL) when that stage starts, so the failover to the other
 * worker happens on screen. Prints where the output is. Everything but the output, the dataset
 * (reused next time) and the worker logs is gone afterwards. Exit code: the run's.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "See Locality work (and fail over) on this machine: an embedded Temporal server, two worker"
          + " processes, a local HTTP origin with a generated gzipped CSV, and a four-stage"
          + " pipeline in the live view.",
      "With --kill-worker-at STAGE the worker running the pipeline is killed (SIGKILL) when STAGE"
          + " starts: watch the session fail over to the other worker and the pipeline complete."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality demo",
      "  locality demo --kill-worker-at transform-csv",
      "  locality demo --size 1GB --kill-worker-at decompress",
      "  locality demo --size 5MB --kill-worker-at download --json | jq .failovers"
    })
final class DemoCommand implements Callable<Integer> {
  static final List<String> STAGES = List.of("download", "decompress", "transform-csv", "upload");
  static final List<String> WORKERS = List.of("demo-w1", "demo-w2");

  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = "--size",
      paramLabel = "SIZE",
      defaultValue = "300MB",
      description =
          "uncompressed size of the generated CSV, e.g. 5MB, 300MB, 2GB (default: ${DEFAULT-VALUE})")
  String size;

  @Option(
      names = "--kill-worker-at",
      paramLabel = "STAGE",
      description = "kill the pipeline's worker when this stage starts: ${COMPLETION-CANDIDATES}",
      completionCandidates = StageNames.class)
  String killAt;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "where the dataset, output and worker logs go (default: <tmp>/locality-demo)")
  Path dir;

  @Option(
      names = "--json",
      description = "print one JSON object on stdout at the end (the live lines go to stderr)")
  boolean json;

  @Mixin LiveViewOptions live;

  /** The stage names {@code --kill-worker-at} accepts. */
  static final class StageNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return STAGES.iterator();
    }
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long bytes;
    try {
      bytes = DemoDataset.parseSize(size);
    } catch (IllegalArgumentException e) {
      err.println("locality: --size " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (killAt != null && !STAGES.contains(killAt)) {
      err.println(
          "locality: --kill-worker-at "
              + killAt
              + ": not a stage of the demo (one of "
              + String.join(", ", STAGES)
              + ")");
      return ExitCodes.USAGE;
    }
    Path root =
        (dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"), "locality-demo"))
            .toAbsolutePath()
            .normalize();
    Files.createDirectories(root);
    err.println(
        "locality demo: preparing " + Formats.bytes(bytes) + " of CSV (gzipped) in " + root);
    err.flush();
    Path dataset = DemoDataset.ensure(root.resolve("data"), bytes);
    try (DemoOrigin origin = DemoOrigin.serve(dataset);
        TemporalConnection connection = cli.connector().embeddedServerOnly()) {
      err.println(
          "locality demo: Temporal test server on "
              + connection.target()
              + ", HTTP origin "
              + origin.url()
              + " ("
              + Formats.bytes(Files.size(dataset))
              + ")");
      err.println("locality demo: starting worker processes " + String.join(", ", WORKERS));
      err.flush();
      try (WorkerProcesses workers =
          WorkerProcesses.start(
              WORKERS, connection.target(), root, cli.env(), Duration.ofSeconds(60))) {
        for (WorkerProcesses.Worker w : workers.all()) {
          err.println("  " + w.workerId() + "  pid " + w.process().pid() + "  log " + w.log());
        }
        err.flush();
        return runPipeline(connection, origin, workers, root, dataset, out, err);
      }
    }
  }

  private int runPipeline(
      TemporalConnection connection,
      DemoOrigin origin,
      WorkerProcesses workers,
      Path root,
      Path dataset,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    Path outDir = root.resolve("out");
    PipelineSpec pipeline;
    String specSha256;
    try (StageCatalog builtIns = LocalityCli.stages(null)) {
      pipeline = new SpecParser(builtIns.registry()).parse(specText(origin.url(), outDir), "demo");
      specSha256 = new SpecHash(builtIns.registry()).of(pipeline);
    }
    String id = WorkflowIds.system().next(pipeline.name());
    PipelineStarter.Started started =
        new PipelineStarter(connection.client(), "locality")
            .start(pipeline, specSha256, id, Map.of());
    KillSwitch killSwitch = killAt == null ? null : new KillSwitch(killAt, workers::kill);
    List<WatchHook> hooks = killSwitch == null ? List.of() : List.of(killSwitch);
    PipelineReport report =
        live.watch(connection, id, started.runId(), json, cli.env(), out, err, hooks);
    if (killSwitch != null && killSwitch.killedWorker() == null) {
      err.println(
          "locality demo: the run ended before stage "
              + killAt
              + " started, so no worker was killed (try a larger --size)");
    }
    ObjectNode demo = new JsonReport().mapper().createObjectNode();
    ObjectNode info = demo.putObject("demo");
    info.put("dataset", dataset.toString());
    info.put("datasetUncompressedBytes", DemoDataset.parseSize(size));
    info.put("outputDir", outDir.toString());
    info.put("killAtStage", killAt);
    info.put("killedWorker", killSwitch == null ? null : killSwitch.killedWorker());
    ArrayNode logs = info.putArray("workerLogs");
    workers.all().forEach(w -> logs.add(w.log().toString()));
    int exit = LiveViewOptions.print(report, json, out, demo);
    if (!json) {
      out.println();
      out.println("output:      " + String.join("\n             ", outputs(report, outDir)));
      out.println("worker logs: " + root.resolve("worker-*.log"));
      out.flush();
    }
    return exit;
  }

  private static List<String> outputs(PipelineReport report, Path outDir) {
    return report.outputUris().isEmpty() ? List.of(outDir.toString()) : report.outputUris();
  }

  /** The demo pipeline: fails over fast (3 s heartbeat timeout, 1 s backoff). */
  static String specText(String url, Path outDir) {
    return """
        name: demo-trips
        session:
          heartbeatTimeout: 3s
          failoverBackoff: 1s
          maxWorkerAttempts: 3
        stages:
          - type: download
            url: %s
          - type: decompress
            format: gzip
          - type: transform-csv
            select: [trip_id, pickup_at, zone, fare_usd]
            filter: "double(fare_usd) > 40.0"
          - type: upload
            to: file://%s/{name}/{workflowId}/{file}
        """
        .formatted(url, outDir);
  }
}
