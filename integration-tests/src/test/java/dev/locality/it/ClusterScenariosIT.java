package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.StageRun;
import dev.locality.it.harness.CiRequirements;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.ItWorker;
import dev.locality.it.harness.OutputChecks;
import dev.locality.it.harness.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenarios 1 and 8 of the integration suite through {@link ItCluster}: the happy path over three
 * workers (both modes), and a pinned worker cut off the network in the middle of its upload
 * (container mode only: a process cannot be partitioned), whose late work after the partition heals
 * must not commit a second or partial output. Output goes to S3 (S3Proxy in the test JVM) so it
 * outlives any worker container; every check compares bytes with the expected result computed here.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterScenariosIT {
  private static final String BUCKET = "it-out";
  private static final String SMALL = "small.csv";
  private static final String BIG = "big.csv";

  private static ItCluster cluster;
  private static Path data;

  @BeforeAll
  static void start() {
    data = HarnessPaths.newRunDir("ClusterScenariosIT-data");
    DataFiles.csv(data, SMALL, 5_000);
    DataFiles.csv(data, BIG, 900_000); // ~17 MB: four 5 MiB multipart parts
    cluster =
        ItClusters.builder()
            .name("ClusterScenariosIT")
            .workers("sc-1", "sc-2", "sc-3")
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** download → upload of {@code file} to {@code s3://BUCKET/<prefix>/{runId}/{file}}. */
  private static String copySpec(String file, String prefix, String heartbeat) {
    return """
        name: scenario-%s
        session:
          heartbeatTimeout: %s
          creationTimeout: 60s
          maxWorkerAttempts: 3
          failoverBackoff: 200ms
        stages:
          - type: download
            url: %s
            sha256: %s
            timeouts: {heartbeat: %s, scheduleToStart: 10s}
          - type: upload
            to: s3://%s/%s/{runId}/{file}
            timeouts: {heartbeat: %s, scheduleToStart: 10s}
        """
        .formatted(
            prefix,
            heartbeat,
            cluster.origin().uri(file),
            DataFiles.sha256(data.resolve(file)),
            heartbeat,
            BUCKET,
            prefix,
            heartbeat);
  }

  /** The object holds the file's bytes, was committed once, alone, with no upload pending. */
  private static String assertExactlyOnce(PipelineResult result, String file) throws Exception {
    return OutputChecks.assertObjectOnceNothingPending(
        cluster.s3(), BUCKET, result, Files.readAllBytes(data.resolve(file)));
  }

  @Test
  void scenario1_happyPathSixPipelinesEachOnOneWorker() throws Exception {
    Pipelines pipelines = new Pipelines(cluster.client());
    long start = System.currentTimeMillis();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++)
      ids.add(pipelines.start("it-happy", Pipelines.parse(copySpec(SMALL, "happy", "5s"))));
    List<PipelineResult> results = new ArrayList<>();
    for (String id : ids) results.add(pipelines.result(id, Duration.ofSeconds(120)));
    long elapsed = System.currentTimeMillis() - start;

    for (PipelineResult result : results) {
      assertThat(result.sessions()).hasSize(1);
      assertThat(result.stages()).extracting(StageRun::workerId).containsOnly(result.workerId());
      assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
      assertExactlyOnce(result, SMALL);
    }
    OutputChecks.assertNoSessionFiles(cluster);
    String figures =
        "pipelines=6 workers-used=%d elapsed-ms=%d"
            .formatted(results.stream().map(PipelineResult::workerId).distinct().count(), elapsed);
    ItSummary.pass("s1-happy-path", cluster.mode(), figures);
  }

  @Test
  void scenario8_partitionDuringUploadFailsOverAndTheLateWorkCommitsNothing() throws Exception {
    CiRequirements.require(
        cluster.workers().get(0).canPartition(),
        "a partition needs container mode (source \"$(.ci/container-engine.sh)\")");
    Fenced run =
        faultMidUpload(
            "partition",
            victim -> {
              victim.partition();
              victim.pause(); // it sends nothing until the partition heals
            },
            victim -> {
              victim.heal();
              victim.unpause();
            });
    ItSummary.pass(
        "s8-partition-fencing",
        cluster.mode(),
        "partitioned=%s completed-on=%s cut-to-failover-ms=%d"
            .formatted(run.victim(), run.completedOn(), run.faultToFailoverMillis()));
  }

  /**
   * Fencing in both modes: the pinned worker is frozen (SIGSTOP / container pause) mid-upload for
   * longer than the heartbeat timeout; the pipeline fails over and completes elsewhere; then the
   * frozen worker is thawed (SIGCONT) with its upload still in hand. It must not commit: one
   * object, committed once, with the right bytes, and the thawed worker's attempt ends failed.
   */
  @Test
  void scenario8b_frozenWorkerThawedAfterFailoverCommitsNothing() throws Exception {
    Fenced run = faultMidUpload("frozen", ItWorker::pause, ItWorker::unpause);
    ItSummary.pass(
        "s8b-frozen-fencing",
        cluster.mode(),
        "frozen=%s completed-on=%s freeze-to-failover-ms=%d"
            .formatted(run.victim(), run.completedOn(), run.faultToFailoverMillis()));
  }

  /** What a fencing scenario measured. */
  private record Fenced(String victim, String completedOn, long faultToFailoverMillis) {}

  /**
   * Starts a big download → upload, injects {@code fault} into the pinned worker once the first
   * multipart part is stored, lets the pipeline fail over and complete elsewhere, undoes the fault,
   * and checks that the victim's late upload ended without committing: one object, committed once,
   * with the right bytes, nothing pending, no session files.
   */
  private static Fenced faultMidUpload(
      String prefix, Consumer<ItWorker> fault, Consumer<ItWorker> undo) throws Exception {
    Pipelines pipelines = new Pipelines(cluster.client());
    CountDownLatch firstPart = cluster.s3().nextWrite();
    cluster.s3().holdWrites(Duration.ofSeconds(2));
    String id = pipelines.start("it-" + prefix, Pipelines.parse(copySpec(BIG, prefix, "3s")));
    assertThat(firstPart.await(90, TimeUnit.SECONDS)).isTrue();
    String victimId = pipelines.status(id).stages().get(1).workerId();
    ItWorker victim = cluster.worker(victimId);
    long endedBefore = uploadAttemptsEnded(victim);
    long faultAt = System.currentTimeMillis();
    fault.accept(victim);
    cluster.s3().holdWrites(Duration.ZERO);

    PipelineResult result = pipelines.result(id, Duration.ofSeconds(150));
    long failover = result.sessions().get(0).closedAtMillis() - faultAt;
    assertThat(result.sessions().get(0).workerId()).isEqualTo(victimId);
    assertThat(result.workerId()).isNotEqualTo(victimId);
    undo.accept(victim);
    // the victim's upload wakes up: it must stop instead of committing
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> uploadAttemptsEnded(victim) > endedBefore);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the victim's upload never ended:\n" + victim.logTail(), e);
    }
    // the new session aborted the victim's pending multipart upload before its own
    String key = assertExactlyOnce(result, BIG);
    assertThat(cluster.s3().commits(BUCKET, key)).isEqualTo(1);
    OutputChecks.assertNoSessionFiles(cluster);
    return new Fenced(victimId, result.workerId(), failover);
  }

  /**
   * How many first upload attempts on the worker ended without completing so far: stopped by the
   * fence (or another Temporal failure) or failed. The cluster is shared by the scenarios, so a
   * test compares the count before and after its own fault.
   */
  private static long uploadAttemptsEnded(ItWorker worker) {
    return worker
        .log()
        .lines()
        .filter(
            l ->
                l.contains("stage 1 (upload) attempt 1 stopped")
                    || l.contains("stage 1 (upload) attempt 1 failed"))
        .count();
  }
}
