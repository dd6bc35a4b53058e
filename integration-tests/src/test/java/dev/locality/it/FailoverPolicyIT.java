package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.Failures;
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
import io.temporal.client.WorkflowException;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which failures fail over and which do not, against real workers and a misbehaving origin:
 * transient errors retry in place on the session's worker; a stage that keeps failing fails the
 * session, the next session goes to the other worker, and when every session attempt failed the
 * pipeline fails naming each worker and the cause; bad input fails at once without failover.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverPolicyIT {
  private static final List<String> WORKERS = List.of("fo-1", "fo-2");
  private static ItCluster cluster;
  private static Path data;

  @BeforeAll
  static void startCluster() {
    data = HarnessPaths.newRunDir("FailoverPolicyIT-data");
    cluster =
        ItClusters.builder()
            .name("FailoverPolicyIT")
            .workers(WORKERS.toArray(String[]::new))
            .serve(data)
            .start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  private static String spec(URI url, int stageAttempts, int workerAttempts) {
    return """
        name: failover-policy-it
        session:
          heartbeatTimeout: 10s
          creationTimeout: 30s
          maxWorkerAttempts: %d
          failoverBackoff: 500ms
        stages:
          - type: download
            url: %s
            timeouts: {heartbeat: 10s, scheduleToStart: 10s}
            retry: {maxAttempts: %d}
        """
        .formatted(workerAttempts, url, stageAttempts);
  }

  @Test
  void transientErrorsRetryInPlaceOnTheSameWorker() {
    DataFiles.csv(data, "flaky.csv", 100);
    cluster.origin().failNext("flaky.csv", 500, 2);
    Pipelines pipelines = new Pipelines(cluster.client());

    String id =
        pipelines.start("it-flaky", Pipelines.parse(spec(cluster.origin().uri("flaky.csv"), 3, 3)));
    PipelineResult result = pipelines.result(id, Duration.ofSeconds(60));

    History history = pipelines.history(id);
    List<HistoryEvent> scheduled = history.scheduled("download");
    List<HistoryEvent> completed =
        history.activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, "download");
    List<HistoryEvent> started =
        history.activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, "download");
    int attempt = started.get(0).getActivityTaskStartedEventAttributes().getAttempt();
    String figures =
        "worker=%s download-attempts=%d origin-gets=%d sessions=%d"
            .formatted(
                result.workerId(),
                attempt,
                cluster.origin().gets("flaky.csv"),
                result.sessions().size());
    ItSummary.measured("failover-policy-transient", figures);

    assertThat(result.sessions()).hasSize(1);
    assertThat(scheduled).hasSize(1); // one activity, retried by the server on the same queue
    assertThat(completed).hasSize(1);
    assertThat(started).hasSize(1);
    assertThat(attempt).isEqualTo(3);
    assertThat(history.taskQueueOf(completed.get(0))).isEqualTo(result.taskQueue());
    assertThat(cluster.origin().gets("flaky.csv")).isEqualTo(3);
    // every attempt ran on the session's worker: its log has all three
    String log = cluster.worker(result.workerId()).log();
    assertThat(log)
        .contains("stage 0 (download) attempt 1 failed")
        .contains("stage 0 (download) attempt 2 failed")
        .contains("stage 0 (download) attempt 3 started");
    ItSummary.pass("failover-policy-transient", cluster.mode(), figures);
  }

  @Test
  void aStageThatKeepsFailingExhaustsTheWorkerAttemptsOnDifferentWorkers() {
    DataFiles.csv(data, "broken.csv", 100);
    cluster.origin().failAlways("broken.csv", 500);
    Pipelines pipelines = new Pipelines(cluster.client());
    URI url = cluster.origin().uri("broken.csv");

    long start = System.currentTimeMillis();
    String id = pipelines.start("it-broken", Pipelines.parse(spec(url, 2, 2)));
    WorkflowException failure = pipelines.failure(id, Duration.ofSeconds(90));
    long elapsed = System.currentTimeMillis() - start;

    assertThat(failure.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    String message = cause.getOriginalMessage();
    Matcher workers = Pattern.compile("#(\\d) worker (\\S+):").matcher(message);
    List<String> named = workers.results().map(m -> m.group(2)).toList();
    String figures =
        "workers-tried=%s origin-gets=%d elapsed-ms=%d type=%s"
            .formatted(named, cluster.origin().gets("broken.csv"), elapsed, cause.getType());
    ItSummary.measured("failover-policy-exhausted", figures);

    assertThat(cause.getType()).isEqualTo(Failures.ATTEMPTS_EXHAUSTED);
    assertThat(message).startsWith("pipeline failed after 2 sessions:");
    assertThat(named).hasSize(2).doesNotHaveDuplicates();
    assertThat(WORKERS).containsAll(named);
    assertThat(message).contains("HTTP 500 from " + url);
    History history = pipelines.history(id);
    assertThat(
            history.ofType(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED).stream()
                .filter(e -> "download".equals(history.activityTypeOf(e)))
                .map(history::taskQueueOf)
                .distinct())
        .as("each session's download ran on that session's worker queue")
        .hasSize(2);
    assertThat(cluster.origin().gets("broken.csv")).isEqualTo(4); // 2 attempts x 2 workers
    ItSummary.pass("failover-policy-exhausted", cluster.mode(), figures);
  }

  @Test
  void badInputFailsAtOnceWithoutFailover() {
    Pipelines pipelines = new Pipelines(cluster.client());
    URI url = cluster.origin().uri("missing.csv");

    long start = System.currentTimeMillis();
    String id = pipelines.start("it-missing", Pipelines.parse(spec(url, 3, 3)));
    WorkflowException failure = pipelines.failure(id, Duration.ofSeconds(60));
    long elapsed = System.currentTimeMillis() - start;

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    History history = pipelines.history(id);
    String figures =
        "type=%s sessions=%d origin-gets=%d elapsed-ms=%d"
            .formatted(
                cause.getType(),
                history.scheduled("session-lease").size(),
                cluster.origin().gets("missing.csv"),
                elapsed);
    ItSummary.measured("failover-policy-bad-input", figures);

    assertThat(cause.getType()).isEqualTo(Failures.BAD_INPUT);
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(cause.getOriginalMessage()).contains("404").contains(url.toString());
    assertThat(history.scheduled("session-lease")).hasSize(1);
    assertThat(history.scheduled("download")).hasSize(1);
    assertThat(cluster.origin().gets("missing.csv")).isEqualTo(1);
    var status = pipelines.status(id);
    assertThat(status.state()).isEqualTo("FAILED");
    assertThat(status.sessions()).hasSize(1);
    assertThat(status.sessions().get(0).state()).isEqualTo("CLOSED");
    ItSummary.pass("failover-policy-bad-input", cluster.mode(), figures);
  }
}
