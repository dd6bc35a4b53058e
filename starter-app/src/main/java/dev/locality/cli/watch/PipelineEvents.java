package dev.locality.cli.watch;

import dev.locality.api.workflow.SessionRecord;
import dev.locality.cli.report.Formats;
import dev.locality.cli.report.PipelineReport;
import dev.locality.stage.StageMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive {@link LiveSnapshot}s into {@link WatchEvent}s: a session waiting, opened on a
 * worker, the worker lost (with how long it had been silent, from the lease's last heartbeat), the
 * failover to another worker, the session closed; a stage started, completed, failed or cancelled.
 * Each change is reported once, even when polls are missed in between. Not thread-safe: one per
 * watch loop.
 */
public final class PipelineEvents {
  private final Map<String, String> sessionStates = new HashMap<>();
  private final Map<String, Long> lastLeaseHeartbeat = new HashMap<>();
  private final Map<String, String> stageStates = new HashMap<>();

  /** The events since the previous snapshot, oldest first. */
  public List<WatchEvent> update(LiveSnapshot snapshot) {
    List<WatchEvent> events = new ArrayList<>();
    SessionRecord current = snapshot.currentSession();
    if (current != null && "OPEN".equals(current.state()) && snapshot.leaseHeartbeatMillis() > 0) {
      lastLeaseHeartbeat.put(current.sessionId(), snapshot.leaseHeartbeatMillis());
    }
    for (SessionRecord s : snapshot.sessions()) {
      if (s.state() == null || s.state().equals(sessionStates.put(s.sessionId(), s.state()))) {
        continue;
      }
      WatchEvent event = sessionEvent(s, snapshot.nowMillis());
      if (event != null) events.add(event);
    }
    for (LiveStage stage : snapshot.stages()) {
      String key = stage.sessionId() + "/" + stage.index() + "/" + stage.type();
      if (stage.state() == null || stage.state().equals(stageStates.put(key, stage.state()))) {
        continue;
      }
      WatchEvent event = stageEvent(stage, snapshot.nowMillis());
      if (event != null) events.add(event);
    }
    events.sort(java.util.Comparator.comparingLong(WatchEvent::atMillis));
    return events;
  }

  private WatchEvent sessionEvent(SessionRecord s, long now) {
    String worker = s.workerId() == null ? "(no worker)" : s.workerId();
    switch (s.state()) {
      case "WAITING":
        return new WatchEvent(
            now,
            s.attempt() == 1
                ? "waiting for a worker with a free session slot"
                : "failing over: waiting for another worker (session #" + s.attempt() + ")",
            WatchEvent.Kind.SESSION);
      case "OPEN":
        return new WatchEvent(
            at(s.openedAtMillis(), now),
            s.attempt() == 1
                ? "session #1 opened on worker " + worker
                : "failed over to worker " + worker + " (session #" + s.attempt() + ")",
            WatchEvent.Kind.SESSION);
      case "FAILED":
        {
          Long heartbeat = lastLeaseHeartbeat.get(s.sessionId());
          String reason = s.failure() == null ? "" : ": " + s.failure();
          if (s.workerId() == null) {
            return new WatchEvent(
                at(s.closedAtMillis(), now),
                "session #" + s.attempt() + " failed" + reason,
                WatchEvent.Kind.SESSION);
          }
          if (heartbeat != null && s.closedAtMillis() > heartbeat) {
            return new WatchEvent(
                s.closedAtMillis(),
                "worker "
                    + worker
                    + " lost after "
                    + Formats.duration(s.closedAtMillis() - heartbeat)
                    + " without a heartbeat"
                    + reason,
                WatchEvent.Kind.SESSION);
          }
          long lived =
              s.openedAtMillis() > 0 && s.closedAtMillis() > 0
                  ? s.closedAtMillis() - s.openedAtMillis()
                  : -1;
          return new WatchEvent(
              at(s.closedAtMillis(), now),
              "session #"
                  + s.attempt()
                  + " on worker "
                  + worker
                  + " failed"
                  + (lived >= 0 ? " after " + Formats.duration(lived) : "")
                  + reason,
              WatchEvent.Kind.SESSION);
        }
      case "CLOSED":
        return new WatchEvent(
            at(s.closedAtMillis(), now),
            "session #" + s.attempt() + " closed on worker " + worker + " (its files deleted)",
            WatchEvent.Kind.SESSION);
      default:
        return null;
    }
  }

  private static WatchEvent stageEvent(LiveStage stage, long now) {
    String name = "stage " + stage.index() + " " + stage.type();
    switch (stage.state()) {
      case "RUNNING":
        return new WatchEvent(
            at(stage.startedAtMillis(), now),
            name + " started" + (stage.workerId() == null ? "" : " on " + stage.workerId()),
            WatchEvent.Kind.STAGE);
      case "COMPLETED":
        {
          long took =
              stage.startedAtMillis() > 0 && stage.endedAtMillis() > 0
                  ? stage.endedAtMillis() - stage.startedAtMillis()
                  : -1;
          return new WatchEvent(
              at(stage.endedAtMillis(), now),
              name + " completed in " + Formats.duration(took) + moved(stage.metrics()),
              WatchEvent.Kind.STAGE);
        }
      case "FAILED":
        return new WatchEvent(
            at(stage.endedAtMillis(), now),
            name + " failed" + (stage.failure() == null ? "" : ": " + stage.failure()),
            WatchEvent.Kind.STAGE);
      case "CANCELLED":
        return new WatchEvent(
            at(stage.endedAtMillis(), now),
            name + " cancelled: its session was lost",
            WatchEvent.Kind.STAGE);
      default:
        return null;
    }
  }

  /** {@code : 1.2 MiB → 300.0 MiB} or {@code : 42049 rows in, 3366 out}. */
  static String moved(StageMetrics m) {
    if (m == null) return "";
    if (m.rowsIn() >= 0) {
      return ": " + m.rowsIn() + " rows in, " + m.rowsOut() + " out";
    }
    return ": " + Formats.bytes(m.bytesIn()) + " → " + Formats.bytes(m.bytesOut());
  }

  private static long at(long millis, long fallback) {
    return millis > 0 ? millis : fallback;
  }

  /** The final line: how the run ended and the exit code the CLI returns for it. */
  public static String ending(LiveSnapshot snapshot) {
    PipelineReport report = snapshot.report();
    return "pipeline "
        + report.status()
        + (snapshot.elapsedMillis() >= 0 ? " in " + Formats.duration(snapshot.elapsedMillis()) : "")
        + ", "
        + report.failovers()
        + (report.failovers() == 1 ? " failover" : " failovers")
        + " (exit code "
        + report.exitCode()
        + ")";
  }
}
