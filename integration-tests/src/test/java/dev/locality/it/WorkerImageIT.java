package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.it.harness.CiRequirements;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.Pipelines;
import dev.locality.it.harness.WorkerContainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The product worker image ({@code worker-app/Dockerfile}, as users build it) in a real container
 * next to the Temporal test server: it answers {@code /healthz} and {@code /readyz} on the mapped
 * metrics port, runs a small pipeline (download from the test JVM's HTTP origin, transform-csv,
 * upload to S3Proxy) with the expected output bytes, runs as the image's non-root user, and ends
 * with exit code 0 on {@code docker stop}. Container mode only: skipped when no Docker API answers
 * (or {@code -Dlocality.it.mode=processes}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerImageIT {
  private static final String WORKER = "img-1";
  private static final String BUCKET = "it-image";
  private static final String INPUT = "numbers.csv";
  private static final int MIN_VALUE = 500;

  private static ItCluster cluster;
  private static WorkerContainer worker;
  private static Path data;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    CiRequirements.require(
        ItMode.current() == ItMode.CONTAINERS,
        "WorkerImageIT tests the worker container image: it needs a Docker API (DOCKER_HOST, see"
            + " .ci/container-engine.sh) and runs in container mode only");
    data = HarnessPaths.newRunDir("WorkerImageIT-data");
    DataFiles.csv(data, INPUT, 300);
    cluster =
        ItClusters.builder()
            .name("WorkerImageIT")
            .mode(ItMode.CONTAINERS)
            .workers(WORKER)
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
    worker = (WorkerContainer) cluster.worker(WORKER);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(worker.metricsUri(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void answersHealthAndReadinessOnTheMetricsPort() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(get("/readyz").statusCode()).isEqualTo(200));
    assertThat(get("/metrics").body()).contains("# TYPE");
  }

  @Test
  @Order(2)
  void runsAsTheImagesNonRootUser() {
    var uid = worker.exec("id", "-u");
    assertThat(uid.getExitCode()).isZero();
    assertThat(uid.getStdout().strip()).isEqualTo("10001");
  }

  /**
   * The Java 17 bytecode runs on the base image's JDK (25 by default: localhost/locality-jre:25,
   * eclipse-temurin:25-jre), which the banner's runtime line names, with the image's JAVA_HOME.
   */
  @Test
  @Order(3)
  void runsOnTheBaseImagesJdk() {
    var javaHome = worker.exec("bash", "-c", "echo \"$JAVA_HOME\"");
    assertThat(javaHome.getExitCode()).isZero();
    String home = javaHome.getStdout().strip();
    assertThat(home).as("the base image's JAVA_HOME").isNotEmpty();
    Pattern runtime =
        Pattern.compile(
            "(?m)^  runtime {7}Java (\\d+)[.+\\-\\w]* \\(.*, " + Pattern.quote(home) + "\\)$");
    Matcher banner =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> runtime.matcher(worker.log()), Matcher::find);
    String line = banner.group();
    int feature = Integer.parseInt(banner.group(1));
    OptionalInt expected = WorkerContainer.baseImageJavaFeature();
    if (expected.isPresent()) assertThat(feature).as(line).isEqualTo(expected.getAsInt());
    assertThat(feature).as(line).isGreaterThanOrEqualTo(17);
    ItSummary.measured("worker-image-runtime", line.strip());
  }

  @Test
  @Order(4)
  void runsAPipelineAndUploadsTheExpectedBytes() throws Exception {
    Pipelines pipelines = new Pipelines(cluster.client());
    String yaml =
        """
        name: worker-image-it
        session:
          heartbeatTimeout: 5s
          creationTimeout: 30s
          maxWorkerAttempts: 1
        stages:
          - type: download
            url: %s
            sha256: %s
          - type: transform-csv
            select: [id, value]
            rename: {value: v}
            filter: double(v) >= %s.0
          - type: upload
            to: s3://%s/image/{runId}/{file}
        """
            .formatted(
                cluster.origin().uri(INPUT),
                DataFiles.sha256(data.resolve(INPUT)),
                MIN_VALUE,
                BUCKET);
    String id = pipelines.start("it-image", Pipelines.parse(yaml));

    PipelineResult result = pipelines.result(id, Duration.ofSeconds(60));

    assertThat(result.workerId()).isEqualTo(WORKER);
    assertThat(result.outputUris()).hasSize(1);
    URI output = URI.create(result.outputUris().get(0));
    assertThat(output.getScheme()).isEqualTo("s3");
    assertThat(output.getHost()).isEqualTo(BUCKET);
    String expected = expectedCsv(data.resolve(INPUT));
    assertThat(expected.lines().count()).isGreaterThan(100);
    assertThat(cluster.s3().read(BUCKET, output.getPath().substring(1)))
        .isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The image ships the sql stage in its plugins directory (root-owned, not writable by the
   * worker's user) and the worker loaded it: a download → sql → upload pipeline sums the same rows
   * as {@link #expectedCsv} keeps.
   */
  @Test
  @Order(5)
  void shipsTheSqlPluginAndRunsASqlStage() throws Exception {
    var listing = worker.exec("bash", "-c", "ls -lR /opt/locality/plugins");
    assertThat(listing.getStdout())
        .contains("locality-stage-sql-", "locality-stage-sql-lib", "duckdb_jdbc-");
    var write = worker.exec("bash", "-c", "touch /opt/locality/plugins/x.jar");
    assertThat(write.getExitCode()).as("the plugins directory is read-only for 10001").isNotZero();

    Pipelines pipelines = new Pipelines(cluster.client());
    String yaml =
        """
        name: worker-image-sql
        session:
          heartbeatTimeout: 10s
          creationTimeout: 30s
          maxWorkerAttempts: 1
        stages:
          - type: download
            url: %s
          - type: sql
            query: "select count(*) as n, sum(value) as total from input where value >= %s"
            output: {format: csv, name: totals}
          - type: upload
            to: s3://%s/image-sql/{runId}/{file}
        """
            .formatted(cluster.origin().uri(INPUT), MIN_VALUE, BUCKET);
    // the test JVM has no sql stage: the spec's structure only; the worker validates its options
    String id =
        pipelines.start(
            "it-image-sql", dev.locality.api.spec.SpecParser.structureOnly().parse(yaml, "it"));

    PipelineResult result = pipelines.result(id, Duration.ofSeconds(90));

    assertThat(result.workerId()).isEqualTo(WORKER);
    URI output = URI.create(result.outputUris().get(0));
    assertThat(output.getPath()).endsWith("/totals.csv");
    List<String> kept = expectedCsv(data.resolve(INPUT)).lines().skip(1).toList();
    long total = kept.stream().mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
    assertThat(
            new String(
                cluster.s3().read(BUCKET, output.getPath().substring(1)), StandardCharsets.UTF_8))
        .isEqualTo("n,total\n" + kept.size() + "," + total + "\n");
  }

  @Test
  @Order(6)
  void endsWithExitCodeZeroOnDockerStop() {
    long start = System.nanoTime();
    org.testcontainers.DockerClientFactory.instance()
        .client()
        .stopContainerCmd(worker.containerId())
        .withTimeout(30)
        .exec();
    assertThat(worker.waitForExit(Duration.ofSeconds(5))).contains(0);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("drained without open sessions, not killed after the stop timeout")
        .isLessThan(Duration.ofSeconds(25));
  }

  /**
   * The documented transform-csv output, computed without the stage: {@code id,v} (the renamed
   * {@code value}) for the rows whose value is at least {@link #MIN_VALUE}, LF-separated.
   */
  private static String expectedCsv(Path input) throws Exception {
    List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder("id,v\n");
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      if (Integer.parseInt(cells[2]) >= MIN_VALUE)
        out.append(cells[0]).append(',').append(cells[2]).append('\n');
    }
    return out.toString();
  }
}
