package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workflow.CheckpointRecord;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.ItWorker;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.enums.v1.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Stage checkpoints for cross-worker failover with real worker processes, S3Proxy as the checkpoint
 * store and a counting HTTP origin: a pipeline download (checkpointed: {@code checkpointAfter:
 * [download]}) → transform-csv → upload (to a file) whose worker is killed with SIGKILL during
 * transform-csv, after the checkpoint of the download was saved.
 *
 * <ul>
 *   <li>the other worker restores the checkpoint from the store instead of downloading: the origin
 *       served the file once, the store was read, the history holds one download, the output is
 *       byte for byte the expected one, and the checkpoint objects are deleted after success;
 *   <li>one byte of the stored checkpoint flipped before the failover: the other worker finds its
 *       SHA-256 differs, says so in the result, downloads from the origin again and still writes
 *       the expected output.
 * </ul>
 *
 * The input is a CSV of {@code -Dcheckpoint.it.rows} rows (default 2M, about 60 MiB) of short rows,
 * and the filter also matches every city against a regular expression (always true), so that the
 * transform, whose cost is per row, runs for seconds after the checkpoint (whose cost is per byte)
 * is saved. The expected output is computed while the input is written by string concatenation, not
 * the stage's CSV library.
 */
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CheckpointIT {
  private static final String BUCKET = "checkpoints";
  private static final long ROWS = Long.getLong("checkpoint.it.rows", 2_000_000);
  private static final Map<String, String> ENV = Map.of();

  private static ItCluster cluster;
  private static Pipelines pipelines;
  private static Path out;
  private static SameHostResumeIT.Workload input;

  @BeforeAll
  static void start() throws Exception {
    Path data = HarnessPaths.newRunDir("CheckpointIT-data");
    out = HarnessPaths.newRunDir("CheckpointIT-out");
    input = SameHostResumeIT.generate(data, "input.csv", ROWS, 8);
    cluster =
        ItClusters.builder()
            .name("CheckpointIT")
            .mode(ItMode.PROCESSES)
            .workers("ckpt-1", "ckpt-2")
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
    pipelines = new Pipelines(cluster.client());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** Every test starts with two workers alive (a new one replaces a worker killed before). */
  @BeforeEach
  void twoWorkersAlive() {
    long alive = cluster.workers().stream().filter(ItWorker::isAlive).count();
    for (long n = alive; n < 2; n++) {
      cluster.startWorker("ckpt-" + (cluster.workers().size() + 1), ENV);
    }
  }

  private static String spec(String tag) {
    String timeouts = "timeouts: {heartbeat: 10s, scheduleToStart: 10s}";
    return """
        name: ckpt-%s
        session:
          heartbeatTimeout: 5s
          creationTimeout: 60s
          maxWorkerAttempts: 3
          failoverBackoff: 200ms
          checkpoint: s3://%s/runs/
          checkpointAfter: [download]
        stages:
          - type: download
            url: %s
            %s
          - type: transform-csv
            select: [id, city, value]
            rename: {value: amount}
            filter: "int(amount) %% 10 != 3 && city.matches('^city-[0-9]+$')"
            %s
          - type: upload
            to: file://%s/%s/{file}
            %s
        """
        .formatted(
            tag,
            BUCKET,
            cluster.origin().uri(input.file()),
            timeouts,
            timeouts,
            out,
            tag,
            timeouts);
  }

  /**
   * Starts the pipeline, waits until the download's checkpoint is saved while transform-csv runs,
   * kills transform-csv's worker (SIGKILL), then runs {@code afterKill} (while the pipeline is
   * still detecting the loss: the session's heartbeat timeout is 5 s).
   */
  private Killed startAndKillAfterTheCheckpoint(
      String tag, java.util.function.Consumer<String> afterKill) {
    String id = pipelines.start("it-ckpt-" + tag, Pipelines.parse(spec(tag)));
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                !pipelines
                    .history(id)
                    .activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, "CheckpointSave")
                    .isEmpty());
    PipelineStatus status = pipelines.status(id);
    StageRun transform = status.stages().get(1);
    assertThat(transform.state())
        .as(
            "transform-csv still runs when the checkpoint is saved (more rows: -Dcheckpoint.it.rows)")
        .isEqualTo("RUNNING");
    String victim = transform.workerId();
    ItWorker worker = cluster.worker(victim);
    worker.kill();
    worker.waitForExit(Duration.ofSeconds(30));
    afterKill.accept(id);
    return new Killed(id, victim);
  }

  record Killed(String workflowId, String victim) {}

  @Test
  void theOtherWorkerRestoresTheCheckpointInsteadOfDownloading() throws Exception {
    long getsBefore = cluster.origin().gets(input.file());
    long readsBefore = cluster.s3().reads(BUCKET, "runs/");
    long started = System.currentTimeMillis();
    Killed k = startAndKillAfterTheCheckpoint("restore", workflowId -> {});
    long killedAt = System.currentTimeMillis();

    PipelineResult result = pipelines.result(k.workflowId(), Duration.ofSeconds(180));
    long killToDone = System.currentTimeMillis() - killedAt;
    History history = pipelines.history(k.workflowId());

    String other = result.workerId();
    assertThat(other).isNotEqualTo(k.victim());
    assertThat(cluster.origin().gets(input.file()) - getsBefore)
        .as("the origin served the file once")
        .isOne();
    assertThat(cluster.s3().reads(BUCKET, "runs/") - readsBefore)
        .as("the manifest and the file were read from the store")
        .isGreaterThanOrEqualTo(2);
    assertThat(history.scheduled("download")).as("one download in the history").hasSize(1);
    assertThat(
            history.activityEvents(
                EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, "CheckpointRestore"))
        .hasSize(1);
    assertThat(result.sessions())
        .extracting(SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(k.victim(), "FAILED"),
            org.assertj.core.groups.Tuple.tuple(other, "CLOSED"));
    assertThat(result.stages())
        .extracting(StageRun::workerId)
        .containsExactly(k.victim(), other, other);
    assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::event)
        .containsExactly(CheckpointRecord.SAVED, CheckpointRecord.RESTORED);
    assertThat(result.checkpoints().get(1).bytes()).isEqualTo(input.bytes());
    assertThat(result.stages().get(1).metrics().rowsOut()).isEqualTo(input.rowsOut());
    assertOutput("restore");
    assertThat(cluster.worker(other).log()).contains("restored into session");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(cluster.s3().keys(BUCKET, "runs/" + k.workflowId() + "/"))
                    .as("checkpoints deleted after success")
                    .isEmpty());
    ItSummary.pass(
        "checkpoint-restore",
        ItMode.PROCESSES,
        "input=%d bytes, start-to-kill-ms=%d, kill-to-done-ms=%d"
            .formatted(input.bytes(), killedAt - started, killToDone));
  }

  @Test
  void aCorruptCheckpointIsRedoneFromTheOriginAndSaysSo() throws Exception {
    long getsBefore = cluster.origin().gets(input.file());
    Killed k =
        startAndKillAfterTheCheckpoint("corrupt", workflowId -> flipOneByteInTheStore(workflowId));

    PipelineResult result = pipelines.result(k.workflowId(), Duration.ofSeconds(180));

    assertThat(cluster.origin().gets(input.file()) - getsBefore)
        .as("the other worker downloaded from the origin again")
        .isEqualTo(2);
    assertThat(pipelines.history(k.workflowId()).scheduled("download")).hasSize(2);
    assertThat(result.checkpoints())
        .extracting(CheckpointRecord::event)
        .startsWith(CheckpointRecord.SAVED, CheckpointRecord.UNUSABLE);
    assertThat(result.checkpoints().get(1).message()).contains("SHA-256", input.file());
    assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
    assertOutput("corrupt");
    ItSummary.pass(
        "checkpoint-corrupt",
        ItMode.PROCESSES,
        "one byte flipped in the stored checkpoint; redone from the origin");
  }

  /** Flips one byte in the middle of the stored checkpoint file (the manifest stays as written). */
  private static void flipOneByteInTheStore(String workflowId) {
    String key =
        cluster.s3().keys(BUCKET, "runs/" + workflowId + "/").stream()
            .filter(k -> k.endsWith("/" + input.file()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no checkpointed " + input.file()));
    byte[] bytes = cluster.s3().read(BUCKET, key);
    bytes[bytes.length / 2] ^= 0x01;
    cluster.s3().admin().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
  }

  /** The single file the upload wrote for {@code tag}: the expected size and SHA-256. */
  private static void assertOutput(String tag) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(out.resolve(tag))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSize(1);
    assertThat(Files.size(files.get(0))).isEqualTo(input.outBytes());
    assertThat(sha256(files.get(0))).as("byte-exact output").isEqualTo(input.outSha());
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        DigestOutputStream digest =
            new DigestOutputStream(
                OutputStream.nullOutputStream(), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(digest);
      return HexFormat.of().formatHex(digest.getMessageDigest().digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
