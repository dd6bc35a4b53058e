package dev.locality.cli.watch;

import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.cli.inspect.PipelineInspector.LiveRead;
import dev.locality.cli.report.PendingStage;
import dev.locality.cli.report.PipelineReport;
import java.util.ArrayList;
import java.util.List;

/**
 * What the live view shows at one instant: the run's status, its sessions and one {@link LiveStage}
 * per stage of the current session (progress and rate from the stage's heartbeats).
 *
 * @param report the full report the snapshot was built from (the summary at the end)
 * @param phase the workflow's own state (WAITING_FOR_WORKER, RUNNING, FAILING_OVER, ...), or null
 *     when no worker answered the status query
 * @param startedAtMillis epoch millis when the run started, 0 if unknown
 * @param closedAtMillis epoch millis when it ended, 0 while running
 * @param nowMillis when the snapshot was taken
 * @param leaseHeartbeatMillis the open session lease's last heartbeat, 0 if none
 */
public record LiveSnapshot(
    PipelineReport report,
    String phase,
    long startedAtMillis,
    long closedAtMillis,
    long nowMillis,
    long leaseHeartbeatMillis,
    List<LiveStage> stages) {

  public LiveSnapshot {
    stages = List.copyOf(stages);
  }

  /** Builds a snapshot, feeding each running stage's heartbeat into {@code rates}. */
  public static LiveSnapshot of(LiveRead read, RateMeter rates, long nowMillis) {
    PipelineReport report = read.report();
    List<PendingStage> pending = new ArrayList<>(report.pending());
    List<LiveStage> stages = new ArrayList<>();
    for (StageRun run : report.stages()) {
      PendingStage heartbeat = null;
      if ("RUNNING".equals(run.state())) {
        for (PendingStage p : pending) {
          if (p.type().equals(run.type())) {
            heartbeat = p;
            pending.remove(p);
            break;
          }
        }
      }
      stages.add(stage(run, heartbeat, rates));
    }
    if (report.stages().isEmpty()) {
      // no status query answer: show what the server knows is in flight
      for (PendingStage p : pending) {
        stages.add(
            new LiveStage(
                -1,
                p.type(),
                "RUNNING",
                null,
                null,
                p.startedAtMillis(),
                0,
                null,
                p.lastFailure(),
                p.progress(),
                rate(p, rates),
                p.attempt()));
      }
    }
    String phase = report.live() == null ? null : report.live().state();
    return new LiveSnapshot(
        report,
        phase,
        read.startedAtMillis(),
        read.closedAtMillis(),
        nowMillis,
        read.leaseHeartbeatMillis(),
        stages);
  }

  private static LiveStage stage(StageRun run, PendingStage heartbeat, RateMeter rates) {
    return new LiveStage(
        run.index(),
        run.type(),
        run.state(),
        run.workerId(),
        run.sessionId(),
        run.startedAtMillis(),
        run.endedAtMillis(),
        run.metrics(),
        run.failure() != null ? run.failure() : heartbeat == null ? null : heartbeat.lastFailure(),
        heartbeat == null ? null : heartbeat.progress(),
        heartbeat == null ? Double.NaN : rate(heartbeat, rates),
        heartbeat == null ? 1 : Math.max(1, heartbeat.attempt()));
  }

  private static double rate(PendingStage p, RateMeter rates) {
    if (p.progress() == null || p.lastHeartbeatMillis() <= 0) return Double.NaN;
    return rates.observe(
        p.activityId() + "#" + p.attempt(), p.lastHeartbeatMillis(), p.progress().done());
  }

  public String workflowId() {
    return report.workflowId();
  }

  public String status() {
    return report.status();
  }

  public boolean isRunning() {
    return PipelineReport.RUNNING.equals(report.status());
  }

  public List<SessionRecord> sessions() {
    return report.sessions();
  }

  /** The session stages run in now (the last one), or null before any. */
  public SessionRecord currentSession() {
    List<SessionRecord> sessions = sessions();
    return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
  }

  /** Wall time of the run so far (or in total, once ended); -1 when unknown. */
  public long elapsedMillis() {
    if (startedAtMillis <= 0) return -1;
    return Math.max(0, (closedAtMillis > 0 ? closedAtMillis : nowMillis) - startedAtMillis);
  }
}
