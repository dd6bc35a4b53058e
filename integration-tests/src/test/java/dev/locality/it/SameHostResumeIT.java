package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.it.harness.Cluster;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import dev.locality.it.harness.StageProgress;
import dev.locality.it.harness.WorkerProcess;
import io.temporal.api.enums.v1.EventType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Same-host resume with real worker processes (process mode: a worker restarted on the same work
 * root, as systemd or a pod with a persistent volume does): a pipeline download → transform-csv →
 * upload (to a file) whose worker is killed with SIGKILL in the middle of transform-csv, after the
 * download finished.
 *
 * <ul>
 *   <li>the worker restarted with the same id within {@code reattachTimeout} takes the session
 *       back: the origin served the file once, the history holds one download, the output is byte
 *       for byte the expected one, although another worker was free all along;
 *   <li>no process of that id within the window: the usual failover to the other worker, which
 *       downloads again;
 *   <li>one byte of the downloaded file changed on disk before the restart: the restarted worker
 *       finds it differs from the recorded SHA-256 and the download runs again (then the rest).
 * </ul>
 *
 * The input's size is {@code -Dresume.it.mb} MiB (default 256) for the first case; the other two
 * use a 1M-row file, enough to land the kill mid-transform. The expected output is computed while
 * the input is written, by string concatenation (not the CSV library the stage uses), and compared
 * by size and SHA-256 (1 GB is not held in memory).
 */
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SameHostResumeIT {
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);
  private static final long BIG_MIB = Long.getLong("resume.it.mb", 256);
  private static final int NOTE_CHARS_BIG = 400;
  private static final Map<String, String> ENV = Map.of();

  private static Cluster cluster;
  private static Pipelines pipelines;
  private static Path out;
  private static Workload big;
  private static Workload small;

  /** A generated input and the size and SHA-256 of the output the pipeline must write. */
  record Workload(
      String file, long bytes, long rowsIn, long rowsOut, long outBytes, String outSha) {}

  @BeforeAll
  static void start() throws Exception {
    Path data = HarnessPaths.newRunDir("SameHostResumeIT-data");
    out = HarnessPaths.newRunDir("SameHostResumeIT-out");
    long bigRows = BIG_MIB * 1024 * 1024 / (NOTE_CHARS_BIG + 20);
    big = generate(data, "big.csv", bigRows, NOTE_CHARS_BIG);
    small = generate(data, "small.csv", 1_000_000, 16);
    cluster =
        Cluster.builder()
            .name("SameHostResumeIT")
            .worker("resume-1", ENV)
            .worker("resume-2", ENV)
            .serve(data)
            .start();
    pipelines = new Pipelines(cluster.client());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** Every test starts with both workers alive (restarting one an earlier test left dead). */
  @BeforeEach
  void bothWorkersAlive() {
    for (String id : List.of("resume-1", "resume-2")) {
      if (!cluster.worker(id).isAlive()) cluster.restartWorker(id, ENV);
    }
  }

  /**
   * Writes {@code rows} rows {@code id,city,value,note} and computes the transform's output (select
   * id, city, value; rename value → amount; keep rows whose value % 10 != 3) alongside.
   */
  static Workload generate(Path dir, String name, long rows, int noteChars) throws Exception {
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    long[] outBytes = {0};
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {
            expected.update((byte) b);
            outBytes[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            expected.update(b, off, len);
            outBytes[0] += len;
          }
        };
    SplittableRandom random = new SplittableRandom(7);
    char[] alphabet = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    StringBuilder row = new StringBuilder(noteChars + 40);
    long kept = 0;
    Path file = dir.resolve(name);
    try (OutputStream in = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        OutputStream want = new BufferedOutputStream(sink, 1 << 16)) {
      in.write("id,city,value,note\n".getBytes(StandardCharsets.US_ASCII));
      want.write("id,city,amount\n".getBytes(StandardCharsets.US_ASCII));
      for (long i = 1; i <= rows; i++) {
        String city = "city-" + (i % 97);
        long value = i * 7 % 1000;
        row.setLength(0);
        row.append(i).append(',').append(city).append(',').append(value).append(',');
        for (int c = 0; c < noteChars; c++) row.append(alphabet[random.nextInt(32)]);
        row.append('\n');
        in.write(row.toString().getBytes(StandardCharsets.US_ASCII));
        if (value % 10 != 3) {
          want.write((i + "," + city + "," + value + "\n").getBytes(StandardCharsets.US_ASCII));
          kept++;
        }
      }
    }
    return new Workload(
        name,
        Files.size(file),
        rows,
        kept,
        outBytes[0],
        HexFormat.of().formatHex(expected.digest()));
  }

  private static String spec(String tag, Workload w, String reattachTimeout) {
    String timeouts = "timeouts: {heartbeat: 10s, scheduleToStart: 10s}";
    return """
        name: resume-%s
        session:
          heartbeatTimeout: %ds
          creationTimeout: 60s
          maxWorkerAttempts: 3
          failoverBackoff: 200ms
          reattachTimeout: %s
        stages:
          - type: download
            url: %s
            %s
          - type: transform-csv
            select: [id, city, value]
            rename: {value: amount}
            filter: "int(amount) %% 10 != 3"
            %s
          - type: upload
            to: file://%s/%s/{file}
            %s
        """
        .formatted(
            tag,
            HEARTBEAT.toSeconds(),
            reattachTimeout,
            cluster.origin().uri(w.file()),
            timeouts,
            timeouts,
            out,
            tag,
            timeouts);
  }

  /** Starts the pipeline, waits for transform-csv to be mid-way, kills its worker (SIGKILL). */
  private Killed startAndKillDuringTransform(String tag, Workload w, String reattachTimeout) {
    String id = pipelines.start("it-resume-" + tag, Pipelines.parse(spec(tag, w, reattachTimeout)));
    String victim =
        Pipelines.workerOf(
            pipelines.awaitStageStarted(id, "transform-csv", Duration.ofSeconds(240)),
            "transform-csv");
    StageProgress atKill =
        pipelines.awaitMidStage(id, "transform-csv", victim, w.rowsIn(), Duration.ofSeconds(120));
    long killedAt = System.currentTimeMillis();
    cluster.worker(victim).kill();
    cluster.worker(victim).waitForExit(Duration.ofSeconds(30));
    return new Killed(id, victim, killedAt, atKill);
  }

  record Killed(String workflowId, String victim, long atMillis, StageProgress progress) {}

  @Test
  void aWorkerRestartedWithinTheWindowResumesAfterTheDownload() throws Exception {
    long getsBefore = cluster.origin().gets(big.file());
    Killed k = startAndKillDuringTransform("same-host", big, "2m");
    long downloadsServed = cluster.origin().gets(big.file()) - getsBefore;
    WorkerProcess restarted = cluster.restartWorker(k.victim(), ENV);

    PipelineResult result = pipelines.result(k.workflowId(), Duration.ofSeconds(400));
    long killToDone = System.currentTimeMillis() - k.atMillis();
    History history = pipelines.history(k.workflowId());

    assertThat(downloadsServed).isOne();
    assertThat(cluster.origin().gets(big.file()) - getsBefore)
        .as("the origin served the file once")
        .isOne();
    assertThat(history.scheduled("download")).as("no second download attempt").hasSize(1);
    assertThat(history.activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, "download"))
        .hasSize(1);
    assertThat(result.sessions())
        .extracting(SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(k.victim(), "FAILED"),
            org.assertj.core.groups.Tuple.tuple(k.victim(), "CLOSED"));
    String lost = result.sessions().get(0).sessionId();
    String resumed = result.sessions().get(1).sessionId();
    assertThat(result.sessions().get(1).taskQueue())
        .isEqualTo(restarted.uniqueQueue().orElseThrow());
    assertThat(result.stages())
        .extracting(StageRun::sessionId)
        .containsExactly(lost, resumed, resumed);
    assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
    assertThat(result.stages().get(1).metrics().rowsOut()).isEqualTo(big.rowsOut());
    assertOutput("same-host", big);
    assertThat(restarted.log()).contains("1 of 1 completed stage(s) intact");
    await() // the session directory is deleted as the lease ends (a walk may race with it)
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(sessionFiles(restarted)).isEmpty());
    ItSummary.pass(
        "resume-same-host",
        ItMode.PROCESSES,
        "input=%d bytes, killed at %s, kill-to-done-ms=%d"
            .formatted(big.bytes(), k.progress().describe(big.rowsIn()), killToDone));
  }

  /**
   * The same kill without same-host resume ({@code reattachTimeout: 0s}): the other worker runs the
   * pipeline from the download. Only with {@code -Dresume.it.measure=true}: it is the baseline of
   * the kill-to-done figure of {@link #aWorkerRestartedWithinTheWindowResumesAfterTheDownload}.
   */
  @Test
  void baselineFailoverWithoutResume() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("resume.it.measure"), "-Dresume.it.measure=true");
    long getsBefore = cluster.origin().gets(big.file());
    Killed k = startAndKillDuringTransform("failover", big, "0s");

    PipelineResult result = pipelines.result(k.workflowId(), Duration.ofSeconds(400));
    long killToDone = System.currentTimeMillis() - k.atMillis();

    assertThat(result.workerId()).isNotEqualTo(k.victim());
    assertThat(cluster.origin().gets(big.file()) - getsBefore).isEqualTo(2);
    assertOutput("failover", big);
    ItSummary.pass(
        "resume-baseline-failover",
        ItMode.PROCESSES,
        "input=%d bytes, killed at %s, kill-to-done-ms=%d"
            .formatted(big.bytes(), k.progress().describe(big.rowsIn()), killToDone));
  }

  @Test
  void noRestartWithinTheWindowFailsOverToTheOtherWorker() throws Exception {
    long getsBefore = cluster.origin().gets(small.file());
    Killed k = startAndKillDuringTransform("window", small, "4s");
    // the offer back to the victim's id ends unanswered (schedule-to-start) before it restarts
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                pipelines
                        .history(k.workflowId())
                        .activityEvents(
                            EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, "session-lease")
                        .size()
                    >= 2);
    WorkerProcess restarted = cluster.restartWorker(k.victim(), ENV);

    PipelineResult result = pipelines.result(k.workflowId(), Duration.ofSeconds(300));

    String other = k.victim().equals("resume-1") ? "resume-2" : "resume-1";
    assertThat(result.workerId()).isEqualTo(other);
    assertThat(result.sessions())
        .extracting(SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(k.victim(), "FAILED"),
            org.assertj.core.groups.Tuple.tuple(null, "FAILED"),
            org.assertj.core.groups.Tuple.tuple(other, "CLOSED"));
    assertThat(result.sessions().get(1).failure()).contains("re-attached", "within 4s");
    assertThat(cluster.origin().gets(small.file()) - getsBefore)
        .as("the other worker downloaded the file again")
        .isEqualTo(2);
    assertThat(pipelines.history(k.workflowId()).scheduled("download")).hasSize(2);
    assertOutput("window", small);
    assertThat(restarted.log()).doesNotContain("took over the files");
    ItSummary.pass(
        "resume-window-passed",
        ItMode.PROCESSES,
        "failed over to %s after the 4s window".formatted(other));
  }

  @Test
  void aCorruptedDownloadIsDetectedAndRunsAgainWithEveryLaterStage() throws Exception {
    long getsBefore = cluster.origin().gets(small.file());
    Killed k = startAndKillDuringTransform("corrupt", small, "2m");
    WorkerProcess dead = cluster.worker(k.victim());
    Path downloaded = downloadedFile(dead.workRoot(), small.file());
    flipOneByte(downloaded, Files.size(downloaded) / 2);
    WorkerProcess restarted = cluster.restartWorker(k.victim(), ENV);

    PipelineResult result = pipelines.result(k.workflowId(), Duration.ofSeconds(300));

    assertThat(result.sessions())
        .extracting(SessionRecord::workerId, SessionRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(k.victim(), "FAILED"),
            org.assertj.core.groups.Tuple.tuple(k.victim(), "CLOSED"));
    String resumed = result.sessions().get(1).sessionId();
    assertThat(result.stages()).extracting(StageRun::sessionId).containsOnly(resumed);
    assertThat(restarted.log()).contains("0 of 1 completed stage(s) intact", "has SHA-256");
    assertThat(pipelines.history(k.workflowId()).scheduled("download")).hasSize(2);
    assertThat(cluster.origin().gets(small.file()) - getsBefore).isEqualTo(2);
    assertOutput("corrupt", small);
    ItSummary.pass(
        "resume-corrupted-output",
        ItMode.PROCESSES,
        "one byte flipped in %s; download and later stages re-ran on %s"
            .formatted(downloaded.getFileName(), k.victim()));
  }

  /** The single file the upload wrote for {@code tag}: the expected size and SHA-256. */
  private static void assertOutput(String tag, Workload w) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(out.resolve(tag))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSize(1);
    assertThat(Files.size(files.get(0))).isEqualTo(w.outBytes());
    assertThat(sha256(files.get(0))).as("byte-exact output").isEqualTo(w.outSha());
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

  /** The download stage's output in a (dead) worker's work root. */
  private static Path downloadedFile(Path workRoot, String name) throws IOException {
    try (Stream<Path> walk = Files.walk(workRoot)) {
      return walk.filter(p -> p.getFileName().toString().equals(name))
          .filter(p -> p.toString().contains("0-download"))
          .filter(Files::isRegularFile)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no downloaded " + name + " under " + workRoot));
    }
  }

  private static void flipOneByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }

  /** Files in session directories of the worker's work root (lock and marker files aside). */
  private static List<String> sessionFiles(WorkerProcess worker) {
    try (Stream<Path> walk = Files.walk(worker.workRoot())) {
      return walk.filter(p -> worker.workRoot().relativize(p).getNameCount() > 2)
          .map(Path::toString)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
