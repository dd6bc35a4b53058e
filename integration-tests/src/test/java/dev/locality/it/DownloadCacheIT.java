package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerRegistryWorkflow;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.it.harness.Cluster;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import dev.locality.it.harness.WorkerProcess;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The download cache and delay scheduling with two real worker processes (cache on: {@code
 * LOCALITY_CACHE_SIZE}) and the counting HTTP origin: pipelines download (cache: true) → upload to
 * a file, over the same URL.
 *
 * <ul>
 *   <li>once a worker holds the file (and has told the registry), every later pipeline runs on that
 *       worker although the other one is free, and the origin sends the body once in all (later
 *       pipelines cost it a HEAD each); every output is the input byte for byte (SHA-256 of the
 *       served file);
 *   <li>the holder killed (SIGKILL; the registry still lists it for a while): the next pipeline is
 *       offered to it for {@code localityWait} (2 s, the default), then runs on the other worker,
 *       which downloads the file.
 * </ul>
 */
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DownloadCacheIT {
  private static final long INPUT_MIB = Long.getLong("cache.it.mb", 32);
  private static final Map<String, String> ENV = Map.of("LOCALITY_CACHE_SIZE", "512m");
  private static final String FILE = "shared-input.csv";

  private static Cluster cluster;
  private static Pipelines pipelines;
  private static Path out;
  private static String inputSha;
  private static int runs;

  @BeforeAll
  static void start() throws Exception {
    Path data = HarnessPaths.newRunDir("DownloadCacheIT-data");
    out = HarnessPaths.newRunDir("DownloadCacheIT-out");
    inputSha = generate(data.resolve(FILE), INPUT_MIB << 20);
    cluster =
        Cluster.builder()
            .name("DownloadCacheIT")
            .worker("cache-1", ENV)
            .worker("cache-2", ENV)
            .serve(data)
            .start();
    pipelines = new Pipelines(cluster.client());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private static String generate(Path file, long bytes) throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long written = 0;
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      byte[] header = "id,value,note\n".getBytes(StandardCharsets.US_ASCII);
      o.write(header);
      sha.update(header);
      written += header.length;
      for (long i = 1; written < bytes; i++) {
        byte[] row =
            (i
                    + ","
                    + random.nextInt(1_000_000)
                    + ",n"
                    + Long.toHexString(random.nextLong())
                    + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        o.write(row);
        sha.update(row);
        written += row.length;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String spec(String tag) {
    return """
        name: cache-%s
        session:
          heartbeatTimeout: 5s
          creationTimeout: 60s
          maxWorkerAttempts: 3
          failoverBackoff: 200ms
        stages:
          - type: download
            url: %s
            cache: true
          - type: upload
            to: file://%s/%s/{file}
        """
        .formatted(tag, cluster.origin().uri(FILE), out, tag);
  }

  private static PipelineResult run(String tag) {
    String id = pipelines.start("it-cache-" + tag + "-" + runs++, Pipelines.parse(spec(tag)));
    return pipelines.result(id, Duration.ofSeconds(120));
  }

  private static void assertOutput(String tag) throws Exception {
    Path file = out.resolve(tag).resolve(FILE);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    assertThat(HexFormat.of().formatHex(sha.digest())).as("output of %s", tag).isEqualTo(inputSha);
  }

  private static long heads() {
    String request = "HEAD " + cluster.origin().uri(FILE).getRawPath();
    return cluster.origin().requests().stream().filter(request::equals).count();
  }

  /** Waits until the registry lists {@code workerId} with a cached URL (reports every 5 s). */
  private static void awaitReportedHolder(String workerId) {
    WorkerRegistryWorkflow registry =
        cluster
            .client()
            .newWorkflowStub(
                WorkerRegistryWorkflow.class,
                WorkerRegistryWorkflow.workflowId(WorkerProcess.SHARED_QUEUE));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              WorkerListing listing = registry.workers();
              return listing.workers().stream()
                  .filter(e -> e.report().workerId().equals(workerId))
                  .filter(e -> WorkerEntry.LIVE.equals(e.state()))
                  .anyMatch(e -> !e.report().cachedUrls().isEmpty());
            });
  }

  @Test
  void laterPipelinesRunWhereTheFileIsCachedAndTheOriginSendsItOnce() throws Exception {
    long getsBefore = cluster.origin().gets(FILE);
    long started = System.nanoTime();
    PipelineResult first = run("first");
    long firstMs = (System.nanoTime() - started) / 1_000_000;
    String holder = first.workerId();
    assertOutput("first");
    awaitReportedHolder(holder);
    long headsBefore = heads();

    int later = 5;
    long laterStarted = System.nanoTime();
    for (int i = 0; i < later; i++) {
      PipelineResult result = run("later-" + i);
      assertThat(result.workerId()).as("pipeline %d ran on the holder", i).isEqualTo(holder);
      assertThat(result.sessions())
          .extracting(SessionRecord::workerId, SessionRecord::state)
          .containsExactly(tuple(holder, "CLOSED"));
      assertThat(result.stages().get(0).metrics().bytesIn())
          .as("the download moved no byte from the origin")
          .isZero();
      assertOutput("later-" + i);
    }
    long laterMs = (System.nanoTime() - laterStarted) / 1_000_000 / later;

    assertThat(cluster.origin().gets(FILE) - getsBefore).as("bodies the origin sent").isOne();
    assertThat(heads() - headsBefore).as("one revalidation per later pipeline").isEqualTo(later);
    assertThat(cluster.worker(holder).log()).contains("taken from the worker's cache");
    assertThat(cachedFiles(cluster.worker(holder).workRoot()))
        .as("one entry in the holder's cache")
        .hasSize(1);
    ItSummary.pass(
        "download-cache-locality",
        ItMode.PROCESSES,
        ("input=%d MiB, first pipeline %d ms, cached pipelines %d ms each, origin GETs 1 for %d"
                + " pipelines")
            .formatted(INPUT_MIB, firstMs, laterMs, later + 1));

    // the holder dies: offered to it for localityWait (2 s), then the other worker downloads
    cluster.worker(holder).kill();
    cluster.worker(holder).waitForExit(Duration.ofSeconds(30));
    String other = holder.equals("cache-1") ? "cache-2" : "cache-1";
    long getsBeforeFailover = cluster.origin().gets(FILE);
    long failoverStarted = System.nanoTime();
    PipelineResult afterKill = run("after-kill");
    long afterKillMs = (System.nanoTime() - failoverStarted) / 1_000_000;

    assertThat(afterKill.workerId()).isEqualTo(other);
    assertThat(afterKill.sessions())
        .extracting(SessionRecord::workerId, SessionRecord::state)
        .containsExactly(tuple(null, "FAILED"), tuple(other, "CLOSED"));
    assertThat(afterKill.sessions().get(0).failure()).contains("within 2s");
    assertThat(afterKillMs).isGreaterThanOrEqualTo(2000);
    assertThat(cluster.origin().gets(FILE) - getsBeforeFailover).isOne();
    assertOutput("after-kill");
    ItSummary.pass(
        "download-cache-holder-killed",
        ItMode.PROCESSES,
        "ran on %s after the 2s locality wait, %d ms in all".formatted(other, afterKillMs));
    // the dead process's cache (in its incarnation directory) is deleted by the janitor of the
    // next process on that work root, at its start
    WorkerProcess restarted = cluster.restartWorker(holder, ENV);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(cachedFiles(restarted.workRoot())).isEmpty());
  }

  /** Files in any incarnation's download cache under {@code workRoot}. */
  private static List<Path> cachedFiles(Path workRoot) throws java.io.IOException {
    try (var files = Files.walk(workRoot)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().contains("/.download-cache/"))
          .toList();
    }
  }
}
