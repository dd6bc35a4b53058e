package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.StageRun;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker as operators run it, end to end over gRPC: Temporal's test server bound to a port, the
 * connection made through temporal-envconfig with the SDK's metrics in the worker's Prometheus
 * registry, the example plugin loaded from a plugins directory, the HTTP endpoints served, and a
 * pipeline download(file:) → csv-to-jsonl (the plugin) → upload(file:).
 */
class PluginPipelineEndToEndTest {
  private static final String QUEUE = "locality-e2e";
  private static final String WORKER = "w-e2e";
  private static final StageTimeouts TIMEOUTS =
      new StageTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(10));

  @TempDir Path tmp;

  private GrpcTestServer temporal;
  private PrometheusMeterRegistry registry;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startServer() throws IOException {
    temporal = GrpcTestServer.start(QUEUE, WORKER);
    registry = temporal.registry();
  }

  @AfterEach
  void stopServer() throws Exception {
    temporal.close();
  }

  @Test
  void runsAPipelineThroughAPluginStageAndReportsItOnTheHttpPort() throws Exception {
    Path plugins = tmp.resolve("plugins");
    Path pluginJar = TestPlugins.exampleJar(plugins.resolve("csv-to-jsonl.jar"));
    Path input =
        Files.writeString(tmp.resolve("people.csv"), "name,age\nAda,36\n\"Hopper, G\",85\n");
    Path outDir = tmp.resolve("out");
    WorkflowClient client = temporal.client();
    WorkerConfig settings =
        WorkerConfig.newBuilder()
            .setSharedQueue(QUEUE)
            .setWorkerId(WORKER)
            .setWorkRoot(tmp.resolve("work"))
            .setPluginsDir(plugins)
            .setDrainTimeout(Duration.ofSeconds(2))
            .build();

    StageCatalog catalog = StageCatalog.load(plugins);
    LocalityWorker worker = LocalityWorker.start(client, settings, catalog, registry);
    try (HealthServer httpServer =
        HealthServer.start(
            new InetSocketAddress("127.0.0.1", 0), worker::readiness, registry::scrape)) {
      String base = "http://127.0.0.1:" + httpServer.port();
      assertThat(worker.catalog().source("csv-to-jsonl")).isEqualTo(pluginJar.toString());
      assertThat(worker.catalog().source("download")).isEqualTo(StageCatalog.BUILT_IN);

      PipelineResult result = pipeline(client).run(SpecDocument.of(spec(input, outDir)));

      assertThat(result.stages())
          .extracting(StageRun::type, StageRun::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("download", "COMPLETED"),
              org.assertj.core.groups.Tuple.tuple("csv-to-jsonl", "COMPLETED"),
              org.assertj.core.groups.Tuple.tuple("upload", "COMPLETED"));
      assertThat(result.workerId()).isEqualTo(WORKER);
      assertThat(result.outputUris())
          .containsExactly(outDir.resolve("people.jsonl").toUri().toString());
      assertThat(Files.readString(outDir.resolve("people.jsonl")))
          .isEqualTo("{\"name\":\"Ada\",\"age\":36}\n{\"name\":\"Hopper, G\",\"age\":85}\n");

      assertThat(get(base + "/healthz")).isEqualTo("200 ok\n");
      assertThat(get(base + "/readyz")).isEqualTo("200 ready\n");
      assertThat(get(base + "/nope")).startsWith("404");

      String metrics = awaitMetrics(base, "locality_sessions_ended_total", "reason=\"closed\"");
      assertThat(value(metrics, "locality_sessions_opened_total", "worker_id=\"w-e2e\""))
          .isEqualTo(1.0);
      assertThat(
              value(
                  metrics,
                  "locality_stage_duration_seconds_count",
                  "stage=\"csv-to-jsonl\"",
                  "outcome=\"success\""))
          .isEqualTo(1.0);
      assertThat(
              value(metrics, "locality_stage_rows_total", "stage=\"csv-to-jsonl\"", "kind=\"out\""))
          .isEqualTo(2.0);
      assertThat(
              value(
                  metrics, "locality_stage_bytes_total", "stage=\"download\"", "direction=\"out\""))
          .isEqualTo((double) Files.size(input));
      assertThat(value(metrics, "locality_sessions_capacity")).isEqualTo(4.0);
      assertThat(value(metrics, "locality_disk_free_bytes")).isPositive();
      // The SDK's own metrics arrive through its Micrometer reporter, tagged by worker id, with the
      // unique queue name folded into one value.
      String sdk = awaitMetrics(base, "temporal_", "task_queue=\"" + QUEUE + "@unique\"");
      assertThat(sdk).contains("worker_id=\"w-e2e\"").doesNotContain(worker.uniqueQueue());
    } finally {
      worker.close();
      catalog.close();
    }
    assertThat(worker.readiness().problems()).contains("draining: the worker is shutting down");
  }

  private PipelineWorkflow pipeline(WorkflowClient client) {
    return client.newWorkflowStub(
        PipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE)
            .setWorkflowId("e2e-" + UUID.randomUUID())
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }

  private static PipelineSpec spec(Path input, Path outDir) {
    return new PipelineSpec(
        "plugin-e2e",
        new SessionSpec(Duration.ofSeconds(5), Duration.ofSeconds(30), 2, Duration.ofMillis(200)),
        List.of(
            new StageSpec("download", Map.of("url", input.toUri().toString()), TIMEOUTS, 3),
            new StageSpec("csv-to-jsonl", Map.of("numbers", true), TIMEOUTS, 3),
            new StageSpec("upload", Map.of("to", "file://" + outDir + "/{file}"), TIMEOUTS, 3)));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  /** Scrapes until a line holds every fragment (meters appear asynchronously), at most 15 s. */
  private String awaitMetrics(String base, String... fragments) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      String body = get(base + "/metrics");
      boolean found =
          body.lines().anyMatch(l -> java.util.Arrays.stream(fragments).allMatch(l::contains));
      if (found || System.nanoTime() > deadline) {
        assertThat(found).as("a metrics line with %s in:%n%s", List.of(fragments), body).isTrue();
        return body.substring(body.indexOf(' ') + 1);
      }
      Thread.sleep(200);
    }
  }

  /** The value of the one sample of {@code name} whose labels contain every fragment. */
  static double value(String scrape, String name, String... labelFragments) {
    Pattern sample =
        Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(scrape);
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (java.util.Arrays.stream(labelFragments).allMatch(labels::contains))
        return Double.parseDouble(m.group(2));
    }
    throw new AssertionError(
        "no sample " + name + " with " + List.of(labelFragments) + " in:\n" + scrape);
  }
}
