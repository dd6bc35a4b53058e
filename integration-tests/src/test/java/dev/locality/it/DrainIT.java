package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.ItWorker;
import dev.locality.it.harness.OutputChecks;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.enums.v1.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful drain on SIGTERM. With a drain timeout longer than the work left, the session finishes
 * on the same worker and the process exits 0 afterwards. With a drain timeout shorter than the
 * running stage, the worker gives the session up when the drain expires and the pipeline fails over
 * at once (long before the session's heartbeat timeout would have noticed) to the other worker.
 * Each test starts the workers it needs, so which worker a pipeline lands on is known.
 */
// Isolated: it bounds the failover time after SIGTERM, which another cluster on the same two cores
// would distort.
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DrainIT {
  private static final String SOURCE = "drain.csv";
  private static final Duration DOWNLOAD_TIME = Duration.ofSeconds(5);
  private static final String BUCKET = "drain";

  private static ItCluster cluster;
  private static Path source;

  @BeforeAll
  static void startCluster() {
    Path data = HarnessPaths.newRunDir("DrainIT-data");
    source = DataFiles.csv(data, SOURCE, 2_000);
    cluster = ItClusters.builder().name("DrainIT").serve(data).withS3().start();
    cluster.s3().createBucket(BUCKET);
    cluster.origin().throttle(SOURCE, DOWNLOAD_TIME);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  private static String spec(String heartbeatTimeout) {
    return """
        name: drain-it
        session:
          heartbeatTimeout: %s
          creationTimeout: 60s
          maxWorkerAttempts: 2
          failoverBackoff: 500ms
        stages:
          - type: download
            url: %s
            sha256: %s
            timeouts: {heartbeat: %s, scheduleToStart: 10s}
          - type: upload
            to: s3://%s/{workflowId}/{file}
        """
        .formatted(
            heartbeatTimeout,
            cluster.origin().uri(SOURCE),
            DataFiles.sha256(source),
            heartbeatTimeout,
            BUCKET);
  }

  /**
   * The pipeline's one object holds the source's bytes, committed once, alone under its prefix; no
   * worker still running has session files.
   */
  private static void assertOutputOnceAndNoSessionFiles(String id, PipelineResult result)
      throws java.io.IOException {
    String key =
        OutputChecks.assertObjectOnce(
            cluster.s3(), BUCKET, result, java.nio.file.Files.readAllBytes(source));
    assertThat(key).startsWith(id + "/");
    OutputChecks.assertNoSessionFiles(cluster);
  }

  /** Waits until the pipeline's first stage runs and the origin is sending it the body. */
  private static PipelineStatus awaitDownloading(Pipelines pipelines, String id, long getsBefore) {
    return await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> pipelines.status(id),
            s ->
                !s.stages().isEmpty()
                    && "RUNNING".equals(s.stages().get(0).state())
                    && cluster.origin().gets(SOURCE) > getsBefore);
  }

  /** Stops the workers a test started, so the next test's pipelines cannot land on them. */
  @AfterEach
  void stopTestWorkers() {
    for (ItWorker worker : cluster.workers()) worker.close(Duration.ofSeconds(30));
  }

  @Test
  void aLongDrainLetsTheSessionFinishOnTheSameWorker() throws Exception {
    ItWorker worker = cluster.startWorker("drain-long", Map.of("LOCALITY_DRAIN_TIMEOUT", "60s"));
    Pipelines pipelines = new Pipelines(cluster.client());
    long getsBefore = cluster.origin().gets(SOURCE);
    String id = pipelines.start("it-drain-long", Pipelines.parse(spec("10s")));
    awaitDownloading(pipelines, id, getsBefore);

    long terminatedAt = System.currentTimeMillis();
    worker.stop(); // SIGTERM
    PipelineResult result = pipelines.result(id, Duration.ofSeconds(60));
    long completedAt = System.currentTimeMillis();
    Optional<Integer> exit = worker.waitForExit(Duration.ofSeconds(30));
    long exitedAt = System.currentTimeMillis();
    String figures =
        "sigterm-to-completed-ms=%d sigterm-to-exit-ms=%d exit=%s sessions=%d"
            .formatted(
                completedAt - terminatedAt,
                exitedAt - terminatedAt,
                exit.map(String::valueOf).orElse("running"),
                result.sessions().size());
    ItSummary.measured("drain-long", figures);

    assertThat(result.workerId()).isEqualTo("drain-long");
    assertThat(result.sessions()).hasSize(1);
    assertThat(result.sessions().get(0).state()).isEqualTo("CLOSED");
    assertThat(exit).contains(0);
    assertThat(worker.log())
        .contains("worker drain-long draining: 1 open session(s)")
        .doesNotContain("drain timeout passed");
    assertThat(cluster.origin().gets(SOURCE) - getsBefore).isEqualTo(1);
    assertOutputOnceAndNoSessionFiles(id, result);
    ItSummary.pass("drain-long", cluster.mode(), figures);
  }

  @Test
  void aShortDrainFailsTheSessionOverAtOnce() throws Exception {
    List<? extends ItWorker> workers =
        cluster.startWorkers(Map.of("LOCALITY_DRAIN_TIMEOUT", "1s"), "drain-a", "drain-b");
    Pipelines pipelines = new Pipelines(cluster.client());
    long getsBefore = cluster.origin().gets(SOURCE);
    // a heartbeat timeout far longer than the observed failover: only the drain can explain it
    String id = pipelines.start("it-drain-short", Pipelines.parse(spec("30s")));
    PipelineStatus running = awaitDownloading(pipelines, id, getsBefore);
    String victimId = running.stages().get(0).workerId();
    ItWorker victim = cluster.worker(victimId);
    String otherId =
        workers.stream()
            .map(ItWorker::workerId)
            .filter(w -> !w.equals(victimId))
            .findFirst()
            .orElseThrow();

    long terminatedAt = System.currentTimeMillis();
    victim.stop(); // SIGTERM
    PipelineResult result = pipelines.result(id, Duration.ofSeconds(60));
    Optional<Integer> exit = victim.waitForExit(Duration.ofSeconds(40));

    SessionRecord given = result.sessions().get(0);
    long failover = given.closedAtMillis() - terminatedAt;
    History history = pipelines.history(id);
    String figures =
        "shut-down=%s completed-on=%s sigterm-to-failover-ms=%d drain-timeout-ms=1000 heartbeatTimeout-ms=30000 exit=%s"
            .formatted(
                victimId, result.workerId(), failover, exit.map(String::valueOf).orElse("running"));
    ItSummary.measured("drain-short", figures);

    assertThat(result.sessions()).hasSize(2);
    assertThat(given.workerId()).isEqualTo(victimId);
    assertThat(given.state()).isEqualTo("FAILED");
    assertThat(given.failure()).contains("worker shut down");
    assertThat(result.workerId()).isEqualTo(otherId);
    assertThat(failover).isBetween(1_000L, 5_000L);
    assertThat(history.ofType(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)).isEmpty();
    assertThat(exit).contains(0);
    assertThat(victim.log()).contains("drain timeout passed with 1 open session(s)");
    assertOutputOnceAndNoSessionFiles(id, result);
    ItSummary.pass("drain-short", cluster.mode(), figures);
  }
}
