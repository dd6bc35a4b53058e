package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More pipelines than session slots, stages longer than their own schedule-to-start timeout. In the
 * plain recipe (discover a worker's queue, then schedule stages there with a short schedule-to-
 * start) the pipelines queued behind a busy worker time out and fail over for nothing. Here a
 * pipeline waits for a session slot (the lease's creation timeout), and its stages are scheduled
 * only once the worker holds its session, so none of them waits: every pipeline completes in one
 * session with no timeout in its history.
 *
 * <p>Heartbeat timeouts are 10 s here: this test measures capacity, not detection, and must not see
 * a heartbeat missed on a loaded machine as a lost worker.
 */
// Isolated: it bounds how long stages wait to start, which another cluster on the same two cores
// would distort.
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NoSpuriousFailoverIT {
  private static final int PIPELINES = 6;
  private static final String SOURCE = "busy.csv";
  private static final Duration STAGE_SCHEDULE_TO_START = Duration.ofSeconds(2);
  private static final Duration DOWNLOAD_TIME = Duration.ofSeconds(4);

  private static ItCluster cluster;
  private static Path source;

  @BeforeAll
  static void startCluster() {
    Path data = HarnessPaths.newRunDir("NoSpuriousFailoverIT-data");
    source = DataFiles.csv(data, SOURCE, 1_000);
    cluster =
        ItClusters.builder()
            .name("NoSpuriousFailoverIT")
            .workers("busy-1", "busy-2")
            .maxSessions(1)
            .serve(data)
            .start();
    cluster.origin().throttle(SOURCE, DOWNLOAD_TIME);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void pipelinesQueuedBehindBusyWorkersWaitForASessionInsteadOfFailingOver() throws Exception {
    Pipelines pipelines = new Pipelines(cluster.client());
    var spec =
        Pipelines.parse(
            """
            name: busy-it
            session:
              heartbeatTimeout: 10s
              creationTimeout: 90s
              maxWorkerAttempts: 3
              failoverBackoff: 500ms
            stages:
              - type: download
                url: %s
                sha256: %s
                timeouts: {heartbeat: 10s, scheduleToStart: %ds}
            """
                .formatted(
                    cluster.origin().uri(SOURCE),
                    DataFiles.sha256(source),
                    STAGE_SCHEDULE_TO_START.toSeconds()));

    List<String> ids = new ArrayList<>();
    List<CompletableFuture<PipelineResult>> futures = new ArrayList<>();
    for (int i = 0; i < PIPELINES; i++) ids.add(pipelines.start("it-busy-" + i, spec));
    for (String id : ids) {
      futures.add(pipelines.stub(id).getResultAsync(100, TimeUnit.SECONDS, PipelineResult.class));
    }
    List<PipelineResult> results = new ArrayList<>();
    for (CompletableFuture<PipelineResult> f : futures) results.add(f.get());

    long maxSessionWait = 0;
    long maxStageWait = 0;
    for (int i = 0; i < PIPELINES; i++) {
      PipelineResult result = results.get(i);
      History history = pipelines.history(ids.get(i));
      assertThat(result.sessions()).as("sessions of %s", ids.get(i)).hasSize(1);
      assertThat(history.ofType(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)).isEmpty();
      assertThat(history.scheduled("session-lease")).hasSize(1);
      assertThat(history.scheduled("download")).hasSize(1);
      long workflowStart = History.millis(history.events().get(0));
      maxSessionWait =
          Math.max(maxSessionWait, result.sessions().get(0).openedAtMillis() - workflowStart);
      HistoryEvent scheduled = history.scheduled("download").get(0);
      for (HistoryEvent started :
          history.activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, "download")) {
        maxStageWait = Math.max(maxStageWait, History.millis(started) - History.millis(scheduled));
      }
    }
    String figures =
        "pipelines=%d slots=2 max-wait-for-session-ms=%d max-stage-schedule-to-start-ms=%d failovers=0"
            .formatted(PIPELINES, maxSessionWait, maxStageWait);
    ItSummary.measured("no-spurious-failover", figures);

    // the last pipelines really queued for longer than a stage may wait to start
    assertThat(maxSessionWait).isGreaterThan(STAGE_SCHEDULE_TO_START.toMillis());
    assertThat(maxStageWait).isLessThan(STAGE_SCHEDULE_TO_START.toMillis());
    assertThat(cluster.origin().gets(SOURCE)).isGreaterThanOrEqualTo(PIPELINES);
    ItSummary.pass("no-spurious-failover", cluster.mode(), figures);
  }
}
