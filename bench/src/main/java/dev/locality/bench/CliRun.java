package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Json.lastJsonLine;
import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One {@code locality run SPEC --wait --json} process; its JSON answer once it has ended. */
final class CliRun {
  final Proc proc;
  final Process process;
  final String workflowId;
  ObjectNode json;

  private CliRun(Proc proc, String workflowId) {
    this.proc = proc;
    this.process = proc.process;
    this.workflowId = workflowId;
  }

  /** Starts the pipeline of {@code spec} as workflow {@code id} on {@code queue}. */
  static CliRun start(BenchContext ctx, Path spec, String id, String queue) throws IOException {
    List<String> cmd =
        List.of(
            "java",
            "-jar",
            ctx.options.cliJar.toString(),
            "run",
            spec.toString(),
            "--wait",
            "--json",
            "--id",
            id,
            "--queue",
            queue);
    return new CliRun(
        Proc.start("cli-" + id, cmd, Map.of("TEMPORAL_ADDRESS", ctx.temporal.address()), ctx.work),
        id);
  }

  /** Starts the pipeline and waits for the CLI's answer. */
  static CliRun run(BenchContext ctx, Path spec, String id, String queue) throws Exception {
    CliRun run = start(ctx, spec, id, queue);
    run.await();
    return run;
  }

  /**
   * Waits for the CLI (at most an hour) and reads its JSON, adding {@code cliExitCode} and {@code
   * cliWallMillis}.
   */
  void await() throws Exception {
    if (!process.waitFor(60, TimeUnit.MINUTES)) throw new IllegalStateException("CLI hangs");
    String out = Files.readString(proc.stdout);
    try {
      json = (ObjectNode) JSON.readTree(lastJsonLine(out));
    } catch (RuntimeException | IOException e) {
      throw new IllegalStateException("no JSON from 'locality run': " + proc.tail(), e);
    }
    json.put("cliExitCode", process.exitValue());
    json.put("cliWallMillis", proc.elapsedMillis());
    if (!"COMPLETED".equals(json.path("status").asText())) {
      log(
          "    pipeline %s ended %s: %s",
          workflowId, json.path("status").asText(), json.path("failure"));
    }
  }
}
