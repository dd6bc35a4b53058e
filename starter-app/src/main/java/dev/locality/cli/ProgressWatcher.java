package dev.locality.cli;

import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.cli.report.Formats;
import dev.locality.cli.report.PipelineReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * While {@code run --wait} blocks on the result, polls the workflow's {@code status} query and
 * prints one line to stderr per change: a session opening or failing (failover), a stage starting
 * or ending. Query failures (no worker yet, workflow just closed) are skipped silently. Closing it
 * stops the polling; safe to close from any thread.
 */
final class ProgressWatcher implements AutoCloseable {
  private final WorkflowStub stub;
  private final PrintWriter err;
  private final ScheduledExecutorService poller;
  private final Map<String, String> sessionStates = new HashMap<>();
  private final Map<String, String> stageStates = new HashMap<>();

  private ProgressWatcher(WorkflowStub stub, PrintWriter err) {
    this.stub = stub;
    this.err = err;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "locality-progress");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts polling every {@code interval}. */
  static ProgressWatcher start(
      WorkflowClient client, String workflowId, String runId, PrintWriter err, Duration interval) {
    ProgressWatcher watcher =
        new ProgressWatcher(
            client.newUntypedWorkflowStub(workflowId, Optional.of(runId), Optional.empty()), err);
    watcher.poller.scheduleWithFixedDelay(
        watcher::pollOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return watcher;
  }

  private void pollOnce() {
    PipelineStatus status;
    try {
      status = stub.query("status", PipelineStatus.class);
    } catch (RuntimeException e) {
      return;
    }
    if (status == null) return;
    synchronized (this) {
      if (poller.isShutdown()) return;
      if (status.sessions() != null) status.sessions().forEach(this::sessionChanged);
      if (status.stages() != null) status.stages().forEach(this::stageChanged);
      err.flush();
    }
  }

  private void sessionChanged(SessionRecord s) {
    String key = s.sessionId();
    if (s.state() == null || s.state().equals(sessionStates.put(key, s.state()))) return;
    switch (s.state()) {
      case "OPEN" ->
          err.println(
              "  session #"
                  + s.attempt()
                  + " open on "
                  + s.workerId()
                  + " ("
                  + s.taskQueue()
                  + ")");
      case "FAILED" ->
          err.println(
              "  session #"
                  + s.attempt()
                  + (s.workerId() == null ? "" : " on " + s.workerId())
                  + " failed: "
                  + s.failure());
      case "WAITING" -> err.println("  session #" + s.attempt() + " waiting for a worker");
      default -> {}
    }
  }

  private void stageChanged(StageRun stage) {
    String key = stage.sessionId() + "/" + stage.index();
    if (stage.state() == null || stage.state().equals(stageStates.put(key, stage.state()))) return;
    switch (stage.state()) {
      case "RUNNING" -> err.println("  stage " + stage.index() + " " + stage.type() + " running");
      case "COMPLETED" ->
          err.println(
              "  stage "
                  + stage.index()
                  + " "
                  + stage.type()
                  + " done in "
                  + Formats.duration(PipelineReport.durationMillis(stage)));
      case "FAILED", "CANCELLED" ->
          err.println(
              "  stage "
                  + stage.index()
                  + " "
                  + stage.type()
                  + " "
                  + stage.state().toLowerCase(java.util.Locale.ROOT)
                  + (stage.failure() == null ? "" : ": " + stage.failure()));
      default -> {}
    }
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
  }
}
