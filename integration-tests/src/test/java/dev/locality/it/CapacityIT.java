package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.enums.v1.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 9, load and capacity at poll time: three workers with two session slots each, thirty
 * pipelines started at once (download throttled to about two seconds, then upload to S3), so that
 * sessions overlap and most pipelines queue for a slot. While they run, the {@code status} query of
 * every running pipeline is sampled about every 100 ms; no worker may ever hold more than two open
 * sessions, every pipeline completes in its first session (no spurious failover, no timeout in its
 * history) and writes its object exactly once.
 *
 * <p>Heartbeat timeouts are 5 s, as a production spec would set them, while the machine runs thirty
 * pipelines on two cores.
 */
// Isolated: it loads the machine with thirty pipelines, which another cluster on the same two cores
// would distort.
@org.junit.jupiter.api.parallel.Isolated
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CapacityIT {
  private static final int MAX_SESSIONS = 2;
  private static final int PIPELINES = 30;
  private static final String BUCKET = "load";
  private static final String SOURCE = "capacity.csv";
  private static final Duration DOWNLOAD_TIME = Duration.ofSeconds(2);
  private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);
  private static final List<String> WORKERS = List.of("cap-1", "cap-2", "cap-3");

  private static ItCluster cluster;
  private static Path source;

  @BeforeAll
  static void startCluster() {
    Path data = HarnessPaths.newRunDir("CapacityIT-data");
    source = DataFiles.csv(data, SOURCE, 2_000);
    cluster =
        ItClusters.builder()
            .name("CapacityIT")
            .workers(WORKERS.toArray(String[]::new))
            .maxSessions(MAX_SESSIONS)
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
    cluster.origin().throttle(SOURCE, DOWNLOAD_TIME);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void noWorkerEverHoldsMoreSessionsThanItsSlots() throws Exception {
    Pipelines pipelines = new Pipelines(cluster.client());
    var spec =
        Pipelines.parse(
            """
            name: capacity-it
            session:
              heartbeatTimeout: 5s
              creationTimeout: 90s
              maxWorkerAttempts: 3
              failoverBackoff: 500ms
            stages:
              - type: download
                url: %s
                sha256: %s
                timeouts: {heartbeat: 5s, scheduleToStart: 10s}
              - type: upload
                to: s3://%s/{workflowId}/{file}
                timeouts: {heartbeat: 5s, scheduleToStart: 10s}
            """
                .formatted(cluster.origin().uri(SOURCE), DataFiles.sha256(source), BUCKET));

    long started = System.currentTimeMillis();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PIPELINES; i++) ids.add(pipelines.start("it-capacity-" + i, spec));
    Map<String, CompletableFuture<PipelineResult>> results = new HashMap<>();
    for (String id : ids) {
      results.put(
          id, pipelines.stub(id).getResultAsync(180, TimeUnit.SECONDS, PipelineResult.class));
    }

    Samples samples = sample(pipelines, results);
    long elapsed = System.currentTimeMillis() - started;

    List<PipelineResult> done = new ArrayList<>();
    for (String id : ids) done.add(results.get(id).get());
    Map<String, Integer> exactPeak = peakOpenSessions(done);
    Map<String, Long> perWorker =
        done.stream()
            .collect(
                Collectors.groupingBy(
                    PipelineResult::workerId, TreeMap::new, Collectors.counting()));
    String figures =
        "samples=%d mean-round-ms=%d max-open-per-worker(sampled)=%s max-open-per-worker(state OPEN, per round)=%s"
                .formatted(
                    samples.rounds,
                    samples.meanRoundMillis,
                    samples.peakAtInstant,
                    samples.peakOpenState)
            + " peak-open-per-worker(all session intervals)=%s pipelines-per-worker=%s elapsed-ms=%d"
                .formatted(exactPeak, perWorker, elapsed);
    ItSummary.measured("s9-load-capacity", figures);

    // every pipeline completed in one session, on one of the workers, with the right bytes
    assertThat(done).hasSize(PIPELINES);
    assertThat(done).allSatisfy(r -> assertThat(r.sessions()).as("failovers").hasSize(1));
    assertThat(done).extracting(PipelineResult::workerId).allMatch(WORKERS::contains);
    byte[] expected = Files.readAllBytes(source);
    for (int i = 0; i < PIPELINES; i++) {
      PipelineResult r = done.get(i);
      assertThat(r.outputUris()).hasSize(1);
      String key = java.net.URI.create(r.outputUris().get(0)).getPath().substring(1);
      assertThat(key).startsWith(ids.get(i) + "/");
      assertThat(cluster.s3().read(BUCKET, key)).isEqualTo(expected);
      assertThat(cluster.s3().commits(BUCKET, key)).isEqualTo(1);
      assertThat(pipelines.history(ids.get(i)).ofType(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT))
          .as("timeouts in the history of %s", ids.get(i))
          .isEmpty();
    }
    // the samples: never more than the slots on any worker, and the slots were really used
    assertThat(samples.rounds).isGreaterThanOrEqualTo(10);
    assertThat(samples.peakAtInstant.values()).allMatch(n -> n <= MAX_SESSIONS);
    assertThat(samples.peakAtInstant.values()).contains(MAX_SESSIONS);
    // the whole run, not only the sampled instants: every worker filled its slots, none overflowed
    assertThat(exactPeak).containsOnlyKeys(WORKERS);
    assertThat(exactPeak.values()).allMatch(n -> n == MAX_SESSIONS);
    assertThat(cluster.origin().gets(SOURCE)).isGreaterThanOrEqualTo(PIPELINES);

    ItSummary.pass(
        "s9-load-capacity",
        cluster.mode(),
        "max-open-sessions-per-worker=%d limit=%d samples=%d mean-round-ms=%d pipelines=%d failovers=0"
            .formatted(
                samples.peakAtInstant.values().stream().max(Integer::compare).orElse(0),
                MAX_SESSIONS,
                samples.rounds,
                samples.meanRoundMillis,
                PIPELINES));
  }

  /** What the sampler saw: per worker, the most sessions open at once. */
  private record Samples(
      int rounds,
      long meanRoundMillis,
      Map<String, Integer> peakAtInstant,
      Map<String, Integer> peakOpenState) {}

  /**
   * Queries every running pipeline's status in parallel, round after round (a round starts every
   * {@link #SAMPLE_INTERVAL} at the most), until every pipeline has ended.
   *
   * <p>Per round, two counts per worker: sessions reported in state OPEN, and sessions open at the
   * instant the round began (opened at or before it, and not closed by then, by the workflow's own
   * timestamps). The second is an exact snapshot of one instant even though the queries of a round
   * are answered at slightly different times; the first can straddle a session handing its slot to
   * the next pipeline between two answers.
   */
  private static Samples sample(
      Pipelines pipelines, Map<String, CompletableFuture<PipelineResult>> results)
      throws Exception {
    ExecutorService queries = Executors.newFixedThreadPool(6);
    Map<String, Integer> peakAtInstant = new TreeMap<>();
    Map<String, Integer> peakOpenState = new TreeMap<>();
    int rounds = 0;
    long roundMillis = 0;
    try {
      while (results.values().stream().anyMatch(f -> !f.isDone())) {
        long roundStart = System.currentTimeMillis();
        List<CompletableFuture<PipelineStatus>> statuses = new ArrayList<>();
        for (var entry : results.entrySet()) {
          if (entry.getValue().isDone()) continue;
          statuses.add(
              CompletableFuture.supplyAsync(() -> pipelines.status(entry.getKey()), queries)
                  .exceptionally(e -> null)); // a pipeline that just ended may not answer
        }
        Map<String, Integer> atInstant = new HashMap<>();
        Map<String, Integer> openState = new HashMap<>();
        for (CompletableFuture<PipelineStatus> f : statuses) {
          PipelineStatus status = f.get(30, TimeUnit.SECONDS);
          if (status == null) continue;
          for (SessionRecord s : status.sessions()) {
            if (s.workerId() == null) continue;
            if ("OPEN".equals(s.state())) openState.merge(s.workerId(), 1, Integer::sum);
            boolean openAtStart =
                s.openedAtMillis() > 0
                    && s.openedAtMillis() <= roundStart
                    && (s.closedAtMillis() == 0 || s.closedAtMillis() > roundStart);
            if (openAtStart) atInstant.merge(s.workerId(), 1, Integer::sum);
          }
        }
        atInstant.forEach((w, n) -> peakAtInstant.merge(w, n, Math::max));
        openState.forEach((w, n) -> peakOpenState.merge(w, n, Math::max));
        rounds++;
        roundMillis += System.currentTimeMillis() - roundStart;
        long rest = SAMPLE_INTERVAL.toMillis() - (System.currentTimeMillis() - roundStart);
        if (rest > 0) Thread.sleep(rest); // sampling cadence, not synchronisation
      }
    } finally {
      queries.shutdownNow();
    }
    return new Samples(
        rounds, rounds == 0 ? 0 : roundMillis / rounds, peakAtInstant, peakOpenState);
  }

  /**
   * Per worker, the most sessions open at the same moment over the whole run, from the session
   * intervals [opened, closed] of every result (a sweep over their start and end points). The
   * workflow marks a session open after the worker took its slot and closed before the worker frees
   * it, so these intervals lie inside the slot holding times.
   */
  private static Map<String, Integer> peakOpenSessions(List<PipelineResult> results) {
    Map<String, List<long[]>> points = new TreeMap<>();
    for (PipelineResult r : results) {
      for (SessionRecord s : r.sessions()) {
        if (s.workerId() == null || s.openedAtMillis() == 0) continue;
        List<long[]> p = points.computeIfAbsent(s.workerId(), w -> new ArrayList<>());
        p.add(new long[] {s.openedAtMillis(), +1});
        p.add(new long[] {s.closedAtMillis() == 0 ? Long.MAX_VALUE : s.closedAtMillis(), -1});
      }
    }
    Map<String, Integer> peaks = new TreeMap<>();
    points.forEach(
        (worker, p) -> {
          // at equal times a close sorts before an open: a slot handed over is not two at once
          p.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
          int open = 0;
          int peak = 0;
          for (long[] point : p) {
            open += (int) point[1];
            peak = Math.max(peak, open);
          }
          peaks.put(worker, peak);
        });
    return peaks;
  }
}
