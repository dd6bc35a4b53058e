package dev.locality.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.cli.report.PipelineReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineEventsTest {
  private static final long T0 = 1_000_000L;

  @Test
  void reportsOpenLossWithSilenceFromTheLeaseHeartbeatAndFailoverOnce() {
    PipelineEvents events = new PipelineEvents();
    SessionRecord open1 = new SessionRecord("s1", 1, "w1", "q1", "OPEN", T0, 0, null);

    assertThat(texts(events.update(snapshot(List.of(open1), T0 + 2_000, T0 + 1_900))))
        .containsExactly("session #1 opened on worker w1");
    assertThat(events.update(snapshot(List.of(open1), T0 + 2_500, T0 + 2_400))).isEmpty();

    SessionRecord failed1 =
        new SessionRecord(
            "s1", 1, "w1", "q1", "FAILED", T0, T0 + 5_500, "worker lost (lease heartbeat timeout)");
    SessionRecord open2 = new SessionRecord("s2", 2, "w2", "q2", "OPEN", T0 + 7_000, 0, null);
    assertThat(texts(events.update(snapshot(List.of(failed1, open2), T0 + 7_100, 0))))
        .containsExactly(
            "worker w1 lost after 3.1s without a heartbeat: worker lost (lease heartbeat timeout)",
            "failed over to worker w2 (session #2)");
  }

  @Test
  void stageChangesBecomeEventsWithTheirDurationsAndMetrics() {
    PipelineEvents events = new PipelineEvents();
    LiveSnapshot base = LiveViewRendererTest.snapshot();

    List<String> first = texts(events.update(base));

    assertThat(first)
        .contains(
            "stage 0 download completed in 2.0s: 0 B → 300.0 MiB",
            "stage 1 decompress started on w2");
    assertThat(events.update(base)).isEmpty();
  }

  @Test
  void theOldSessionsStagesAreNotReportedAgainWhenTheNextSessionWaits() {
    PipelineEvents events = new PipelineEvents();
    LiveSnapshot base = LiveViewRendererTest.snapshot();
    events.update(base);
    SessionRecord waiting = new SessionRecord("s3", 3, null, null, "WAITING", 0, 0, null);
    List<SessionRecord> sessions = new java.util.ArrayList<>(base.sessions());
    sessions.add(waiting);
    PipelineReport report =
        PipelineReport.running(
            "p", "r", new PipelineStatus("FAILING_OVER", sessions, List.of()), List.of());

    List<String> next =
        texts(
            events.update(
                new LiveSnapshot(report, "FAILING_OVER", T0, 0, T0 + 1, 0, base.stages())));

    assertThat(next).containsExactly("failing over: waiting for another worker (session #3)");
  }

  private static LiveSnapshot snapshot(List<SessionRecord> sessions, long now, long lease) {
    PipelineReport report =
        PipelineReport.running(
            "p", "r", new PipelineStatus("RUNNING", sessions, List.of()), List.of());
    return new LiveSnapshot(report, "RUNNING", T0, 0, now, lease, List.of());
  }

  private static List<String> texts(List<WatchEvent> events) {
    return events.stream().map(WatchEvent::text).toList();
  }
}
