package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.session.WorkRoot;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric series the worker README lists, scraped over HTTP from {@code /metrics} of a real
 * worker on Temporal's test server (over gRPC, with the SDK's metrics in the same registry), after
 * pipelines that exercise it: a successful download → decompress → transform-csv → upload, a
 * bad-input pipeline, lookups that share one table (and one whose table fails to load), a stage
 * failing with a worker-resources failure (the pipeline fails over and the worker declines the
 * lease it is to avoid), a cancelled pipeline, and a drain that gives a session up to another
 * worker. Each series must carry {@code worker_id}, its labels must take the documented values, and
 * each value must have moved by what the pipelines did. The set of {@code locality_*} names is read
 * from the README and compared both ways with the scrape, so a series cannot disappear from either
 * without this test failing.
 */
class WorkerMetricsEndToEndTest {
  private static final String QUEUE = "locality-metrics";
  private static final String WORKER = "w-metrics";
  private static final String ID = "worker_id=\"" + WORKER + "\"";
  private static final StageTimeouts TIMEOUTS =
      new StageTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(10));
  private static final SessionSpec SESSION =
      new SessionSpec(Duration.ofSeconds(5), Duration.ofSeconds(30), 3, Duration.ofMillis(200));

  @TempDir Path tmp;

  private GrpcTestServer temporal;
  private PrometheusMeterRegistry registry;
  private WorkflowClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startServer() throws IOException {
    temporal = GrpcTestServer.start(QUEUE, WORKER);
    registry = temporal.registry();
    client = temporal.client();
  }

  @AfterEach
  void stopServer() throws Exception {
    temporal.close();
  }

  @Test
  void everySeriesTheReadmeListsMovesAsThePipelinesDid() throws Exception {
    // a dead process's incarnation directory (lock file nobody holds): the janitor deletes it
    Path workRoot = tmp.resolve("work");
    Path dead = Files.createDirectories(workRoot.resolve("inc-deadbeef0001"));
    Files.writeString(dead.resolve(WorkRoot.MARKER_FILE), "");
    Files.writeString(dead.resolve(WorkRoot.LOCK_FILE), "");
    Files.writeString(dead.resolve("left-behind.csv"), "x\n");

    Path data = Files.createDirectories(tmp.resolve("data"));
    String csv = "id,region,amount\n1,EU,10\n2,US,20\n3,EU,30\n4,EU\n5,US,50\n6,EU,60\n";
    Path plain = Files.writeString(data.resolve("sales.csv"), csv);
    Path gz = data.resolve("sales.csv.gz");
    gzip(plain, gz);
    Path outDir = tmp.resolve("out");

    WorkerConfig settings =
        WorkerConfig.newBuilder()
            .setSharedQueue(QUEUE)
            .setWorkerId(WORKER)
            .setWorkRoot(workRoot)
            .setMaxSessions(3)
            .setMinFreeDiskBytes(1)
            .setDrainTimeout(Duration.ofSeconds(1))
            .putSetting("test.block", "true") // test-emit runs until cancelled
            .build();
    StageCatalog catalog = StageCatalog.load(null);
    LocalityWorker worker = LocalityWorker.start(client, settings, catalog, registry);
    LocalityWorker other = null;
    try (HealthServer httpServer =
        HealthServer.start(
            new InetSocketAddress("127.0.0.1", 0), worker::readiness, registry::scrape)) {
      String base = "http://127.0.0.1:" + httpServer.port() + "/metrics";
      assertThat(dead).doesNotExist();

      // 1. success: download → decompress → transform-csv (1 rejected, 2 filtered) → upload
      PipelineResult ok =
          pipeline()
              .run(
                  SpecDocument.of(
                      spec(
                          stage("download", Map.of("url", gz.toUri().toString())),
                          stage("decompress", Map.of()),
                          stage(
                              "transform-csv",
                              Map.of("filter", "region == 'EU'", "maxRejects", "5")),
                          stage("upload", Map.of("to", "file://" + outDir + "/{file}")))));
      assertThat(ok.workerId()).isEqualTo(WORKER);
      Path uploaded = outDir.resolve("sales.csv");
      assertThat(Files.readString(uploaded))
          .isEqualTo("id,region,amount\n1,EU,10\n3,EU,30\n6,EU,60\n");
      long uploadedBytes = Files.size(uploaded) + Files.size(outDir.resolve("sales.rejects.csv"));

      // 2. bad input: a plain CSV through decompress
      Throwable bad =
          catchThrowable(
              () ->
                  pipeline()
                      .run(
                          SpecDocument.of(
                              spec(
                                  stage("download", Map.of("url", plain.toUri().toString())),
                                  stage("decompress", Map.of())))));
      assertThat(bad).isInstanceOf(WorkflowFailedException.class);

      // 2b. shared resources: three pipelines look up one table, loaded once and then hit; a
      // table with a key twice fails to load (bad input) and is not cached
      Path table = Files.writeString(data.resolve("zones.csv"), "region,zone\nEU,emea\nUS,amer\n");
      Path twice = Files.writeString(data.resolve("twice.csv"), "region,zone\nEU,a\nEU,b\n");
      for (int i = 0; i < 3; i++)
        assertThat(pipeline().run(SpecDocument.of(spec(lookup(table)))).workerId())
            .isEqualTo(WORKER);
      assertThat(catchThrowable(() -> pipeline().run(SpecDocument.of(spec(lookup(twice))))))
          .isInstanceOf(WorkflowFailedException.class);

      // 3. a worker-resources failure: fails over, this (only) worker declines the lease it is to
      // avoid until the avoid list is dropped, then runs the stage again
      PipelineResult failedOver =
          pipeline().run(SpecDocument.of(spec(stage("test-deny-once", Map.of("key", "k1")))));
      assertThat(failedOver.sessions()).hasSize(2);

      // 4. cancelled while a stage runs (once step 3's session has closed: it closes just after
      // its pipeline returns, and would otherwise count as this pipeline's open session)
      awaitOpenSessions(worker, 0);
      PipelineWorkflow cancelled = pipeline();
      WorkflowClient.execute(cancelled::run, SpecDocument.of(spec(emit("cancel"))));
      awaitOpenSessions(worker, 1);
      awaitLine(base, "locality_sessions_open{", ID + "} 1.0");
      Thread.sleep(500); // the stage runs and heartbeats
      WorkflowStub.fromTyped(cancelled).cancel();
      awaitOpenSessions(worker, 0);

      // 5. a drain that times out: the session is given up, the pipeline fails over
      PipelineWorkflow drained = pipeline();
      CompletableFuture<PipelineResult> drainedResult =
          WorkflowClient.execute(drained::run, SpecDocument.of(spec(emit("drain"))));
      awaitOpenSessions(worker, 1);
      Thread.sleep(500);
      String beforeClose = scrape(base);
      assertThat(value(beforeClose, "locality_worker_draining", ID)).isZero();
      assertThat(value(beforeClose, "locality_sessions_open", ID)).isEqualTo(1.0);
      assertThat(value(beforeClose, "locality_resources_cached", ID)).isEqualTo(1.0);
      assertThat(value(beforeClose, "locality_resources_weight_bytes", ID)).isPositive();
      assertThat(value(beforeClose, "locality_resources_max_bytes", ID))
          .isEqualTo((double) (256L << 20));
      other =
          LocalityWorker.start(
              client,
              settings.toBuilder()
                  .setWorkerId("w-other")
                  .setWorkRoot(tmp.resolve("w2"))
                  .setSettings(Map.of())
                  .build());
      worker.close();
      assertThat(drainedResult.get(60, TimeUnit.SECONDS).workerId()).isEqualTo("w-other");

      String m = scrape(base);
      m.lines().filter(l -> l.startsWith("locality_")).forEach(System.out::println);
      assertEveryReadmeSeriesIsPresent(m);

      // sessions
      assertThat(value(m, "locality_sessions_opened_total", ID)).isEqualTo(10.0);
      assertThat(value(m, "locality_sessions_ended_total", ID, "reason=\"closed\"")).isEqualTo(9.0);
      assertThat(value(m, "locality_sessions_ended_total", ID, "reason=\"worker_shutdown\""))
          .isEqualTo(1.0);
      assertThat(value(m, "locality_sessions_declined_total", ID, "reason=\"avoided\""))
          .isEqualTo(2.0); // SessionOptions.DEFAULT_MAX_DECLINES
      assertThat(value(m, "locality_sessions_open", ID)).isZero();
      assertThat(value(m, "locality_sessions_capacity", ID)).isEqualTo(3.0);
      assertThat(value(m, "locality_worker_draining", ID)).isEqualTo(1.0);

      // stages: attempts by type and outcome
      assertThat(count(m, "download", "success")).isEqualTo(2.0);
      assertThat(count(m, "decompress", "success")).isEqualTo(1.0);
      assertThat(count(m, "decompress", "bad_input")).isEqualTo(1.0);
      assertThat(count(m, "transform-csv", "success")).isEqualTo(1.0);
      assertThat(count(m, "upload", "success")).isEqualTo(1.0);
      assertThat(count(m, "test-deny-once", "error")).isEqualTo(1.0);
      assertThat(count(m, "test-deny-once", "success")).isEqualTo(1.0);
      // the cancelled pipeline's stage ends cancelled; the drained one ends cancelled or
      // session_lost, whichever reaches it first: the workflow cancelling it after the failover,
      // or the dispatcher's fence once the drain expired
      assertThat(count(m, "test-emit", "cancelled")).isBetween(1.0, 2.0);
      assertThat(count(m, "test-emit", "cancelled") + optionalCount(m, "test-emit", "session_lost"))
          .isEqualTo(2.0);
      for (String le : List.of("1.0", "10.0", "60.0", "300.0", "1800.0", "7200.0", "+Inf"))
        assertThat(
                value(
                    m,
                    "locality_stage_duration_seconds_bucket",
                    ID,
                    "stage=\"upload\"",
                    "outcome=\"success\"",
                    "le=\"" + le + "\""))
            .as("bucket le=%s", le)
            .isEqualTo(1.0);
      assertThat(
              value(
                  m,
                  "locality_stage_duration_seconds_sum",
                  ID,
                  "stage=\"upload\"",
                  "outcome=\"success\""))
          .isPositive()
          .isLessThan(1.0);

      // bytes and rows, against the files themselves
      long gzBytes = Files.size(gz);
      long csvBytes = Files.size(plain);
      assertThat(bytes(m, "download", "out")).isEqualTo((double) (gzBytes + csvBytes));
      assertThat(bytes(m, "decompress", "in")).isEqualTo((double) gzBytes);
      assertThat(bytes(m, "decompress", "out")).isEqualTo((double) csvBytes);
      assertThat(bytes(m, "transform-csv", "in")).isEqualTo((double) csvBytes);
      // transform-csv counts its output file, not the rejects file beside it; upload moves both
      assertThat(bytes(m, "transform-csv", "out")).isEqualTo((double) Files.size(uploaded));
      assertThat(bytes(m, "upload", "in")).isEqualTo((double) uploadedBytes);
      assertThat(bytes(m, "upload", "out")).isEqualTo((double) uploadedBytes);
      assertThat(rows(m, "transform-csv", "in")).isEqualTo(6.0);
      assertThat(rows(m, "transform-csv", "out")).isEqualTo(3.0);
      assertThat(rows(m, "transform-csv", "filtered")).isEqualTo(2.0);
      assertThat(rows(m, "transform-csv", "rejected")).isEqualTo(1.0);

      // shared resources: one load for three pipelines, the failed load, closed at shutdown
      String lookup = "stage=\"lookup\"";
      assertThat(value(m, "locality_resources_loads_total", ID, lookup)).isEqualTo(1.0);
      assertThat(value(m, "locality_resources_hits_total", ID, lookup)).isEqualTo(2.0);
      assertThat(value(m, "locality_resources_load_failures_total", ID, lookup)).isEqualTo(1.0);
      assertThat(value(m, "locality_resources_evictions_total", ID, lookup, "reason=\"shutdown\""))
          .isEqualTo(1.0);
      assertThat(value(m, "locality_resources_cached", ID)).isZero();
      assertThat(value(m, "locality_resources_weight_bytes", ID)).isZero();
      assertThat(count(m, "lookup", "success")).isEqualTo(3.0);
      assertThat(count(m, "lookup", "bad_input")).isEqualTo(1.0);

      // janitor, disk, info
      assertThat(value(m, "locality_janitor_deletions_total", ID)).isEqualTo(1.0);
      assertThat(value(m, "locality_disk_free_bytes", ID))
          .isCloseTo(
              (double) Files.getFileStore(workRoot).getUsableSpace(),
              org.assertj.core.data.Percentage.withPercentage(5));
      assertThat(value(m, "locality_disk_minimum_bytes", ID)).isEqualTo(1.0);
      assertThat(value(m, "locality_worker_info", ID, "version=\"development\"")).isEqualTo(1.0);

      // the SDK's meters, tagged by worker id, the unique queue folded into one value
      assertThat(m)
          .containsPattern("(?m)^temporal_\\w+\\{[^}]*task_queue=\"" + QUEUE + "@unique\"")
          .doesNotContain(worker.uniqueQueue());
    } finally {
      worker.close();
      if (other != null) other.close();
      catalog.close();
    }
  }

  /**
   * The {@code locality_*} names in the README's metrics table and those in the scrape are the same
   * set, and every Locality sample carries this worker's id.
   */
  private static void assertEveryReadmeSeriesIsPresent(String scrape) throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String table = readme.substring(readme.indexOf("| metric | type | tags |"));
    table = table.substring(0, table.indexOf("\n\n"));
    Set<String> documented = new TreeSet<>();
    Matcher names = Pattern.compile("`(locality_[a-z_]+)").matcher(table);
    while (names.find()) documented.add(names.group(1));
    assertThat(documented).hasSizeGreaterThanOrEqualTo(13);

    Set<String> scraped = new TreeSet<>();
    Matcher samples =
        Pattern.compile("(?m)^(locality_[a-z_]+?)(_bucket|_count|_sum|_max)?\\{").matcher(scrape);
    while (samples.find()) scraped.add(samples.group(1));
    assertThat(scraped).as("series in /metrics vs the README table").isEqualTo(documented);

    scrape
        .lines()
        .filter(l -> l.startsWith("locality_"))
        .forEach(l -> assertThat(l).as("worker id on every sample").contains(ID));
  }

  private static double count(String scrape, String stage, String outcome) {
    return value(
        scrape,
        "locality_stage_duration_seconds_count",
        ID,
        "stage=\"" + stage + "\"",
        "outcome=\"" + outcome + "\"");
  }

  private static double optionalCount(String scrape, String stage, String outcome) {
    String line = "stage=\"" + stage + "\"";
    String tag = "outcome=\"" + outcome + "\"";
    boolean present =
        scrape
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("locality_stage_duration_seconds_count{")
                        && l.contains(line)
                        && l.contains(tag));
    return present ? count(scrape, stage, outcome) : 0;
  }

  private static double bytes(String scrape, String stage, String direction) {
    return value(
        scrape,
        "locality_stage_bytes_total",
        ID,
        "stage=\"" + stage + "\"",
        "direction=\"" + direction + "\"");
  }

  private static double rows(String scrape, String stage, String kind) {
    return value(
        scrape,
        "locality_stage_rows_total",
        ID,
        "stage=\"" + stage + "\"",
        "kind=\"" + kind + "\"");
  }

  private static double value(String scrape, String name, String... labelFragments) {
    return PluginPipelineEndToEndTest.value(scrape, name, labelFragments);
  }

  private static StageSpec stage(String type, Map<String, Object> options) {
    return new StageSpec(type, options, TIMEOUTS, 3);
  }

  private static StageSpec lookup(Path table) {
    return stage(
        "lookup",
        Map.of("table", table.toUri().toString(), "on", "region", "add", List.of("zone")));
  }

  private static StageSpec emit(String text) {
    return stage("test-emit", Map.of("text", text));
  }

  private static PipelineSpec spec(StageSpec... stages) {
    return new PipelineSpec("metrics", SESSION, List.of(stages));
  }

  private PipelineWorkflow pipeline() {
    return client.newWorkflowStub(
        PipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE)
            .setWorkflowId("metrics-" + UUID.randomUUID())
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }

  private String scrape(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    return response.body();
  }

  private void awaitLine(String url, String... fragments) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      String body = scrape(url);
      if (body.lines().anyMatch(l -> java.util.Arrays.stream(fragments).allMatch(l::contains)))
        return;
      assertThat(System.nanoTime())
          .as("a line with %s in:%n%s", List.of(fragments), body)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void awaitOpenSessions(LocalityWorker worker, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (worker.openSessions() != n && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(worker.openSessions()).isEqualTo(n);
  }

  /** {@code gzip -c source > target} with the system tool (an oracle independent of the stage). */
  private static void gzip(Path source, Path target) throws Exception {
    Process p =
        new ProcessBuilder("gzip", "-n", "-c", source.toString())
            .redirectOutput(target.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("gzip exit code").isZero();
  }
}
