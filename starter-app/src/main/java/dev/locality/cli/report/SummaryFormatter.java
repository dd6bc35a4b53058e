package dev.locality.cli.report;

import dev.locality.api.workflow.CheckpointRecord;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.Progress;
import dev.locality.stage.StageMetrics;
import java.util.List;

/**
 * Renders a {@link PipelineReport} for people: pipeline and workflow id, the worker and its unique
 * queue, one table row per stage (index, type, worker, duration, bytes in → out, rows in / out /
 * filtered / rejected), the sessions tried with failover reasons, and the output URIs. A failed
 * pipeline leads with the root failure message, then the failure chain. Stateless, thread-safe.
 */
public final class SummaryFormatter {

  /** The whole summary, lines ending in newlines. */
  public String format(PipelineReport report) {
    StringBuilder out = new StringBuilder();
    header(out, report);
    stages(out, report.stages());
    pending(out, report.pending());
    sessions(out, report.sessions(), report.failovers());
    outputs(out, report.outputUris());
    checkpoints(out, report.result());
    failureChain(out, report.failure());
    return out.toString();
  }

  private static void header(StringBuilder out, PipelineReport report) {
    PipelineResult result = report.result();
    String name = result != null ? result.name() : null;
    out.append("pipeline ").append(name != null ? name + " " : "").append(report.status());
    if (report.failure() != null) {
      out.append(": ").append(report.failure().message());
      if (report.failure().type() != null)
        out.append(" [").append(report.failure().type()).append(']');
    }
    if (result != null && result.skippedUnchanged()) {
      out.append(
          ": the download's sources are unchanged since the last successful run of this name"
              + " (ifChanged); later stages did not run");
    }
    out.append('\n');
    out.append("  workflow  ").append(report.workflowId());
    if (report.runId() != null) out.append("  (run ").append(report.runId()).append(')');
    out.append('\n');
    if (report.live() != null
        && report.live().state() != null
        && result == null
        && !report.live().state().equals(report.status())) {
      out.append("  state     ").append(report.live().state()).append('\n');
    }
    if (PipelineReport.RUNNING.equals(report.status()) && report.live() == null) {
      out.append("  state     unknown: no worker answered the status query (is one running?)\n");
    }
    String workerId = result != null ? result.workerId() : currentWorker(report.sessions());
    String queue = result != null ? result.taskQueue() : currentQueue(report.sessions());
    if (workerId != null) {
      out.append("  worker    ").append(workerId);
      if (queue != null) out.append("  (queue ").append(queue).append(')');
      out.append('\n');
    }
  }

  private static void stages(StringBuilder out, List<StageRun> stages) {
    if (stages.isEmpty()) return;
    TextTable table =
        new TextTable(
            "#>",
            "STAGE",
            "STATE",
            "WORKER",
            "DURATION>",
            "BYTES IN → OUT",
            "ROWS IN>",
            "OUT>",
            "FILTERED>",
            "REJECTED>");
    for (StageRun stage : stages) {
      StageMetrics m = stage.metrics();
      table.row(
          Integer.toString(stage.index()),
          nonNull(stage.type()),
          nonNull(stage.state()),
          nonNull(stage.workerId()),
          Formats.duration(PipelineReport.durationMillis(stage)),
          m == null ? "-" : Formats.bytes(m.bytesIn()) + " → " + Formats.bytes(m.bytesOut()),
          m == null ? "-" : Formats.count(m.rowsIn()),
          m == null ? "-" : Formats.count(m.rowsOut()),
          m == null ? "-" : Formats.count(m.rowsFiltered()),
          m == null ? "-" : Formats.count(m.rowsRejected()));
    }
    out.append('\n').append(table.render("  "));
    for (StageRun stage : stages) {
      if (stage.failure() != null) {
        out.append("  ");
        if (!stage.failure().startsWith("stage ")) {
          out.append("stage ")
              .append(stage.index())
              .append(" (")
              .append(stage.type())
              .append("): ");
        }
        out.append(stage.failure()).append('\n');
      }
    }
  }

  private static void pending(StringBuilder out, List<PendingStage> pending) {
    if (pending.isEmpty()) return;
    out.append("\n  in flight:\n");
    for (PendingStage p : pending) {
      out.append("    ")
          .append(p.type())
          .append("  ")
          .append(p.state())
          .append("  attempt ")
          .append(p.attempt());
      Progress progress = p.progress();
      if (progress != null) out.append("  ").append(progress(progress));
      if (p.lastFailure() != null) out.append("  last failure: ").append(p.lastFailure());
      out.append('\n');
    }
  }

  private static String progress(Progress p) {
    boolean bytes = "bytes".equals(p.unit());
    String done = bytes ? Formats.bytes(p.done()) : p.done() + " " + p.unit();
    if (p.total() < 0) return done;
    String total = bytes ? Formats.bytes(p.total()) : p.total() + " " + p.unit();
    return done + " of " + total;
  }

  private static void sessions(StringBuilder out, List<SessionRecord> sessions, int failovers) {
    if (sessions.isEmpty()) return;
    out.append('\n')
        .append("  sessions: ")
        .append(sessions.size())
        .append(" tried, ")
        .append(failovers)
        .append(failovers == 1 ? " failover" : " failovers")
        .append('\n');
    for (SessionRecord s : sessions) {
      out.append("    #")
          .append(s.attempt())
          .append("  ")
          .append(s.workerId() == null ? "(no worker)" : s.workerId())
          .append("  ")
          .append(s.state());
      if (s.failure() != null) out.append("  ").append(s.failure());
      out.append('\n');
    }
  }

  private static void outputs(StringBuilder out, List<String> uris) {
    if (uris.isEmpty()) return;
    out.append("\n  outputs:\n");
    for (String uri : uris) out.append("    ").append(uri).append('\n');
  }

  /** One line per checkpoint event of a completed run (saved, failed, restored, unusable). */
  private static void checkpoints(StringBuilder out, PipelineResult result) {
    if (result == null || result.checkpoints() == null || result.checkpoints().isEmpty()) return;
    out.append("\n  checkpoints:\n");
    for (CheckpointRecord c : result.checkpoints()) {
      out.append("    stage ")
          .append(c.stageIndex())
          .append(" (")
          .append(c.stageType())
          .append(") ")
          .append(c.event());
      if (c.location() != null) out.append(' ').append(c.location());
      if (c.bytes() > 0) out.append(", ").append(c.bytes()).append(" bytes");
      if (c.message() != null) out.append(": ").append(c.message());
      out.append('\n');
    }
  }

  private static void failureChain(StringBuilder out, FailureSummary failure) {
    if (failure == null || failure.chain().size() <= 1) return;
    out.append("\n  failure chain (outermost first):\n");
    for (String link : failure.chain()) out.append("    ").append(link).append('\n');
  }

  private static String currentWorker(List<SessionRecord> sessions) {
    return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).workerId();
  }

  private static String currentQueue(List<SessionRecord> sessions) {
    return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).taskQueue();
  }

  private static String nonNull(String s) {
    return s == null ? "-" : s;
  }
}
