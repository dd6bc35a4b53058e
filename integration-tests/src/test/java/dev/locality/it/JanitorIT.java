package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.activities.session.WorkRoot;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.it.harness.Cluster;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import dev.locality.it.harness.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cleanup that survives crashes, with worker processes sharing one work root (one disk): a worker
 * killed mid-stage leaves its incarnation directory and session files behind; a worker started
 * later on the same root with a short janitor period deletes them, and keeps deleting dead
 * incarnations every period, while the live worker's incarnation and the files of its open session
 * stay untouched (its pipeline completes with a verified checksum).
 *
 * <p>Process mode only, on the process harness ({@link Cluster}, the implementation behind {@code
 * ItCluster} in that mode) directly: it needs one disk shared by two workers and their work roots'
 * paths, which containers with their own disks do not have.
 */
// Isolated: it bounds how soon the janitor deletes a dead incarnation (one period plus SLACK), a
// scheduling latency that another cluster's CPU-bound stages on the same two cores would stretch.
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class JanitorIT {
  private static final String SOURCE = "janitor.csv";

  /**
   * Longer than the test can take (its timeout is 150 s): the live pipeline's download must still
   * run when its files are checked, however long starting the sweeping worker takes on a loaded
   * machine (10–20 s seen for a worker JVM). Once checked, the test {@linkplain
   * dev.locality.it.harness.HttpOrigin#release releases} the body, so the download ends at once.
   */
  private static final Duration DOWNLOAD_TIME = Duration.ofSeconds(140);

  private static final Duration JANITOR_PERIOD = Duration.ofSeconds(2);

  /**
   * Added to one janitor period in both bounds, measured against the period: the janitor sweeps
   * once before the worker is ready and then with a fixed delay of one period, and a sweep of this
   * root (two incarnations, a few files) takes milliseconds. The slack covers the 50 ms poll and a
   * delayed wake-up of the sweeping thread on a loaded machine, and stays below one period, so a
   * janitor that skipped a sweep (deleting only a period later) still fails the bound.
   */
  private static final Duration SLACK = Duration.ofMillis(1500);

  /** Long enough that the first two workers' janitors never sweep during the test. */
  private static final Map<String, String> NO_SWEEPS = Map.of("LOCALITY_JANITOR_PERIOD", "10m");

  private static Cluster cluster;
  private static Path source;

  @BeforeAll
  static void startCluster() {
    Path data = HarnessPaths.newRunDir("JanitorIT-data");
    source = DataFiles.csv(data, SOURCE, 2_000);
    cluster =
        Cluster.builder()
            .name("JanitorIT")
            .sharedWorkRoot()
            .maxSessions(1)
            .worker("jan-1", NO_SWEEPS)
            .worker("jan-2", NO_SWEEPS)
            .serve(data)
            .start();
    cluster.origin().throttle(SOURCE, DOWNLOAD_TIME);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aNewWorkerDeletesTheCrashedWorkersFilesAndLeavesTheLiveOnesAlone() throws Exception {
    Path root = cluster.sharedWorkRoot().orElseThrow();
    Pipelines pipelines = new Pipelines(cluster.client());
    var spec =
        Pipelines.parse(
            """
            name: janitor-it
            session:
              heartbeatTimeout: 10s
              creationTimeout: 60s
              maxWorkerAttempts: 1
            stages:
              - type: download
                url: %s
                sha256: %s
                timeouts: {heartbeat: 10s, scheduleToStart: 10s}
            """
                .formatted(cluster.origin().uri(SOURCE), DataFiles.sha256(source)));
    String doomed = pipelines.start("it-janitor-doomed", spec);
    String survivor = pipelines.start("it-janitor-live", spec);
    Path doomedSession = awaitSessionFiles(pipelines, doomed);
    Path liveSession = awaitSessionFiles(pipelines, survivor);
    WorkerProcess victim = workerOwning(doomedSession);
    WorkerProcess live = workerOwning(liveSession);
    assertThat(victim).isNotSameAs(live);
    Path victimDir = victim.incarnationDir().orElseThrow();
    Path liveDir = live.incarnationDir().orElseThrow();

    victim.kill();
    pipelines.stub(doomed).terminate("the test killed its worker");
    assertThat(nonEmptyFiles(doomedSession))
        .as("a crash leaves the session files behind")
        .isPositive();

    WorkerProcess sweeper =
        cluster.startWorker(
            "jan-3", Map.of("LOCALITY_JANITOR_PERIOD", JANITOR_PERIOD.toSeconds() + "s"));
    long readyAt = System.currentTimeMillis();
    await()
        .atMost(JANITOR_PERIOD.plus(SLACK))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !Files.exists(victimDir));
    long victimGone = System.currentTimeMillis() - readyAt;

    // a dead incarnation appearing later goes within one period: the sweeps are periodic
    Path canary = Files.createDirectories(root.resolve("inc-000000canary"));
    Files.writeString(canary.resolve(WorkRoot.MARKER_FILE), "left by a crashed worker\n");
    Files.writeString(canary.resolve(WorkRoot.LOCK_FILE), "0\n");
    Path foreign = Files.createDirectories(root.resolve("not-locality"));
    Files.writeString(foreign.resolve("data.csv"), "a,b\n");
    Files.setLastModifiedTime(
        foreign,
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
    Files.writeString(Files.createDirectories(canary.resolve("session-x")).resolve("f"), "x");
    long canaryCreated = System.currentTimeMillis();
    await()
        .atMost(JANITOR_PERIOD.plus(SLACK))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !Files.exists(canary));
    long canaryGone = System.currentTimeMillis() - canaryCreated;
    String figures =
        "dead-incarnation-gone-after-ready-ms=%d later-dead-incarnation-gone-ms=%d janitor-period-ms=%d"
            .formatted(victimGone, canaryGone, JANITOR_PERIOD.toMillis());
    ItSummary.measured("janitor", figures);

    assertThat(sweeper.log()).contains("deleted work directory " + victimDir);
    assertThat(foreign.resolve("data.csv")).as("a directory Locality did not create").exists();
    assertThat(liveDir.resolve(WorkRoot.LOCK_FILE)).isRegularFile();
    assertThat(nonEmptyFiles(liveSession)).as("files of the live session").isPositive();
    assertThat(sweeper.incarnationDir().orElseThrow()).isDirectory();
    assertThat(pipelines.status(survivor).stages().get(0).state()).isEqualTo("RUNNING");
    cluster.origin().release(SOURCE);
    PipelineResult result = pipelines.result(survivor, Duration.ofSeconds(60));
    assertThat(result.workerId()).isEqualTo(live.workerId());
    assertThat(result.sessions()).hasSize(1);
    assertThat(result.stages().get(0).metrics().bytesOut()).isEqualTo(Files.size(source));
    ItSummary.pass("janitor", figures);
  }

  /**
   * Waits until the pipeline's download has written its first bytes somewhere in its session
   * directory ({@code <root>/<incarnation>/<session>/}); returns that directory.
   */
  private static Path awaitSessionFiles(Pipelines pipelines, String workflowId) {
    return await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              PipelineStatus status = pipelines.status(workflowId);
              String sessionId = status.sessions().get(0).sessionId();
              Path dir =
                  cluster
                      .worker(status.sessions().get(0).workerId())
                      .incarnationDir()
                      .orElseThrow();
              Path sessionDir = dir.resolve(sessionId);
              return nonEmptyFiles(sessionDir) > 0 ? sessionDir : null;
            },
            dir -> dir != null);
  }

  /** Regular files with content anywhere below {@code dir}; 0 if it does not exist. */
  private static long nonEmptyFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return 0;
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(JanitorIT::hasContent).count();
    }
  }

  private static boolean hasContent(Path file) {
    try {
      return Files.size(file) > 0;
    } catch (IOException vanished) {
      return false;
    }
  }

  private static WorkerProcess workerOwning(Path sessionDir) {
    for (WorkerProcess worker : cluster.workers()) {
      if (worker.incarnationDir().map(sessionDir::startsWith).orElse(false)) return worker;
    }
    throw new IllegalStateException("no worker owns " + sessionDir);
  }
}
