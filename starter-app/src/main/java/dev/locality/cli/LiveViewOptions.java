package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.PipelineReport;
import dev.locality.cli.report.SummaryFormatter;
import dev.locality.cli.watch.LiveView;
import dev.locality.cli.watch.PipelineWatch;
import dev.locality.cli.watch.PlainLiveView;
import dev.locality.cli.watch.Terminal;
import dev.locality.cli.watch.TerminalLiveView;
import dev.locality.cli.watch.WatchHook;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The live view options shared by {@code watch}, {@code run --watch} and {@code demo}, and the code
 * that picks the view: redrawn in place on an interactive terminal, plain appended lines otherwise
 * (or with {@code --plain}); with {@code --json} the plain view goes to stderr so stdout carries
 * only the final JSON object.
 */
final class LiveViewOptions {
  @Option(
      names = "--plain",
      description = "plain appended lines even on a terminal (no cursor movement, no colour)")
  boolean plain;

  @Option(
      names = "--interval",
      paramLabel = "MILLIS",
      defaultValue = "500",
      description = "how often to poll the run, in milliseconds (default: ${DEFAULT-VALUE})")
  long intervalMillis;

  LiveView view(boolean json, Map<String, String> env, PrintWriter out, PrintWriter err) {
    ZoneId zone = ZoneId.systemDefault();
    if (json) return new PlainLiveView(err, zone, 5_000);
    Terminal terminal = Terminal.detect(env, plain);
    if (terminal.interactive()) {
      return new TerminalLiveView(out, terminal.width(), terminal.color(), zone);
    }
    return new PlainLiveView(out, zone, 5_000);
  }

  /**
   * Watches the run to its end, then prints the summary (or the JSON report) on stdout.
   *
   * @return the run's exit code
   */
  int watchAndReport(
      TemporalConnection connection,
      String workflowId,
      String runId,
      boolean json,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      List<WatchHook> hooks)
      throws InterruptedException {
    PipelineReport report = watch(connection, workflowId, runId, json, env, out, err, hooks);
    return print(report, json, out, null);
  }

  /** Shows the live view until the run ends; returns the final report. */
  PipelineReport watch(
      TemporalConnection connection,
      String workflowId,
      String runId,
      boolean json,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      List<WatchHook> hooks)
      throws InterruptedException {
    PipelineInspector inspector = new PipelineInspector(connection.client(), Duration.ofSeconds(3));
    return new PipelineWatch(
            inspector, Duration.ofMillis(Math.max(50, intervalMillis)), System::currentTimeMillis)
        .watch(workflowId, runId, view(json, env, out, err), hooks);
  }

  /**
   * Prints the summary and the exit code line, or the JSON report with the {@code extra} fields.
   *
   * @return the run's exit code
   */
  static int print(PipelineReport report, boolean json, PrintWriter out, ObjectNode extra) {
    if (json) {
      JsonReport renderer = new JsonReport();
      ObjectNode tree = renderer.toTree(report);
      if (extra != null) tree.setAll(extra);
      out.println(renderer.write(tree));
    } else {
      out.print(new SummaryFormatter().format(report));
      out.println("exit code " + report.exitCode());
    }
    out.flush();
    return report.exitCode();
  }
}
