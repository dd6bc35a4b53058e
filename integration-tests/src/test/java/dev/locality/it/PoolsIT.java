package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.it.harness.CliRun;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resource pools with real worker processes: {@code pool-a} and {@code pool-b} in the default pool
 * (two slots each), {@code pool-gpu} only in pool {@code gpu} with one slot. Pipelines naming pool
 * gpu run only on pool-gpu and never two at once there; default pipelines never land on pool-gpu.
 * {@code locality workers --json} (the CLI jar, as a user runs it) lists what the workers report:
 * their pools, open sessions and free slots, and a killed worker turns gone within a bound.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PoolsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE = "pools.csv";
  private static final String SLOW = "slow.csv";
  private static final Duration DOWNLOAD_TIME = Duration.ofMillis(1500);
  private static final Duration GONE_BOUND = Duration.ofSeconds(35);

  private static ItCluster cluster;
  private static Path source;
  private static Path slow;
  private static Path runDir;

  @BeforeAll
  static void startCluster() {
    Path data = HarnessPaths.newRunDir("PoolsIT-data");
    runDir = HarnessPaths.newRunDir("PoolsIT-cli");
    source = DataFiles.csv(data, SOURCE, 500);
    slow = DataFiles.csv(data, SLOW, 500);
    cluster =
        ItClusters.builder()
            .name("PoolsIT")
            .maxSessions(2)
            .workers("pool-a", "pool-b")
            .worker("pool-gpu", Map.of("LOCALITY_POOL", "gpu=1"))
            .serve(data)
            .start();
    cluster.origin().throttle(SOURCE, DOWNLOAD_TIME);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  private static PipelineSpec spec(String pool, String file, Path path) {
    return Pipelines.parse(
        """
        name: pools-it
        session:
          heartbeatTimeout: 5s
          creationTimeout: 90s
          maxWorkerAttempts: 1
          %s
        stages:
          - type: download
            url: %s
            sha256: %s
            timeouts: {heartbeat: 5s, scheduleToStart: 10s}
        """
            .formatted(
                pool == null ? "" : "pool: " + pool,
                cluster.origin().uri(file),
                DataFiles.sha256(path)));
  }

  @Test
  void pipelinesStayInTheirPoolAndTheWorkerListShowsWhatRuns() throws Exception {
    Pipelines pipelines = new Pipelines(cluster.client());

    // 1. load: four gpu and six default pipelines at once
    List<String> gpuIds = new ArrayList<>();
    List<String> defaultIds = new ArrayList<>();
    for (int i = 0; i < 4; i++)
      gpuIds.add(pipelines.start("it-pool-gpu", spec("gpu", SOURCE, source)));
    for (int i = 0; i < 6; i++)
      defaultIds.add(pipelines.start("it-pool-default", spec(null, SOURCE, source)));
    List<PipelineResult> gpuRuns = new ArrayList<>();
    for (String id : gpuIds) gpuRuns.add(pipelines.result(id, Duration.ofSeconds(120)));
    List<PipelineResult> defaultRuns = new ArrayList<>();
    for (String id : defaultIds) defaultRuns.add(pipelines.result(id, Duration.ofSeconds(120)));

    assertThat(gpuRuns).extracting(PipelineResult::workerId).containsOnly("pool-gpu");
    assertThat(defaultRuns).extracting(PipelineResult::workerId).doesNotContain("pool-gpu");
    assertThat(defaultRuns)
        .extracting(PipelineResult::workerId)
        .allMatch(List.of("pool-a", "pool-b")::contains);
    // slot 1: the gpu sessions never overlap in time (the workflows' own timestamps)
    List<SessionRecord> gpuSessions =
        gpuRuns.stream()
            .map(r -> r.sessions().get(0))
            .sorted(java.util.Comparator.comparingLong(SessionRecord::openedAtMillis))
            .toList();
    for (int i = 1; i < gpuSessions.size(); i++) {
      assertThat(gpuSessions.get(i).openedAtMillis())
          .as("gpu session %d opened before session %d closed", i, i - 1)
          .isGreaterThanOrEqualTo(gpuSessions.get(i - 1).closedAtMillis());
    }
    // each took at least the throttled download, so four in a row took at least 4 x 1.5 s
    long gpuSpan =
        gpuSessions.get(gpuSessions.size() - 1).closedAtMillis()
            - gpuSessions.get(0).openedAtMillis();
    assertThat(gpuSpan).isGreaterThanOrEqualTo(4 * DOWNLOAD_TIME.toMillis());

    // 2. the list while a gpu pipeline holds pool-gpu's only slot
    cluster.origin().throttle(SLOW, Duration.ofSeconds(40));
    String busy = pipelines.start("it-pool-busy", spec("gpu", SLOW, slow));
    pipelines.awaitStageStarted(busy, "download", Duration.ofSeconds(30));
    JsonNode busyList =
        awaitList(
            list -> {
              JsonNode gpu = worker(list, "pool-gpu");
              return gpu != null && pool(gpu, "gpu").path("openSessions").asInt() == 1;
            },
            Duration.ofSeconds(30));
    JsonNode gpu = worker(busyList, "pool-gpu");
    assertThat(gpu.path("state").asText()).isEqualTo("live");
    assertThat(gpu.path("pools")).hasSize(1);
    assertThat(pool(gpu, "gpu").path("slots").asInt()).isEqualTo(1);
    assertThat(pool(gpu, "gpu").path("freeSlots").asInt()).isZero();
    for (String id : List.of("pool-a", "pool-b")) {
      JsonNode w = worker(busyList, id);
      assertThat(w).as(id).isNotNull();
      assertThat(w.path("state").asText()).isEqualTo("live");
      assertThat(w.path("pools")).hasSize(1);
      assertThat(pool(w, "default").path("slots").asInt()).isEqualTo(2);
      assertThat(pool(w, "default").path("openSessions").asInt()).isZero();
      assertThat(pool(w, "default").path("freeSlots").asInt()).isEqualTo(2);
    }
    assertThat(Pipelines.workerOf(pipelines.status(busy), "download")).isEqualTo("pool-gpu");
    pipelines.stub(busy).cancel();
    cluster.origin().release(SLOW);

    // 3. a killed worker turns gone, within a bound; the others stay live
    cluster.worker("pool-b").kill();
    long killedAt = System.nanoTime();
    JsonNode afterKill =
        awaitList(
            list ->
                worker(list, "pool-b") != null
                    && worker(list, "pool-b").path("state").asText().equals("gone"),
            GONE_BOUND.plusSeconds(15));
    long goneAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(goneAfterMillis).isLessThanOrEqualTo(GONE_BOUND.toMillis());
    assertThat(worker(afterKill, "pool-a").path("state").asText()).isEqualTo("live");
    assertThat(worker(afterKill, "pool-gpu").path("state").asText()).isEqualTo("live");

    // the table says the same as the JSON
    CliRun table = cli("table", "workers");
    assertThat(table.exitCode()).as("stderr: %s", table.stderr()).isZero();
    assertThat(table.stdout()).containsPattern("pool-b\\s+gone\\s+default");
    assertThat(table.stdout()).containsPattern("pool-gpu\\s+live\\s+gpu\\s+1");

    ItSummary.pass(
        "pools",
        cluster.mode(),
        "gpu-runs=%d on pool-gpu, default-runs=%d on pool-a/pool-b, killed worker gone after %d ms (bound %d ms)"
            .formatted(gpuRuns.size(), defaultRuns.size(), goneAfterMillis, GONE_BOUND.toMillis()));
  }

  private static int cliRuns;

  private static CliRun cli(String label, String... args) {
    return CliRun.run(
        HarnessPaths.cliJar(),
        runDir,
        Map.of("TEMPORAL_ADDRESS", cluster.temporalAddress()),
        runDir.resolve(label + "-" + (cliRuns++)),
        Duration.ofSeconds(60),
        args);
  }

  /** Runs {@code locality workers --json} until {@code done} holds; returns that listing. */
  private static JsonNode awaitList(Predicate<JsonNode> done, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      CliRun run = cli("json", "workers", "--json");
      assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
      last = JSON.readTree(run.stdout());
      assertThat(last.path("queue").asText()).isEqualTo("locality");
      if (done.test(last)) return last;
    }
    throw new AssertionError("the worker list never matched within " + timeout + "; last: " + last);
  }

  private static JsonNode worker(JsonNode list, String workerId) {
    for (JsonNode w : list.path("workers"))
      if (w.path("workerId").asText().equals(workerId)) return w;
    return null;
  }

  private static JsonNode pool(JsonNode worker, String name) {
    for (JsonNode p : worker.path("pools")) if (p.path("pool").asText().equals(name)) return p;
    throw new AssertionError("worker has no pool " + name + ": " + worker);
  }
}
