package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.History;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.OutputChecks;
import dev.locality.it.harness.Pipelines;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowException;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 10, bad input end to end in the run's mode: a corrupt gzip, a zip whose entry escapes
 * the extraction directory (zip slip), a CSV with more malformed rows than {@code maxRejects}, and
 * a URL that answers 404. Each pipeline (download → decompress → transform-csv → upload to S3, the
 * four started together) fails fast with a non-retryable {@link Failures#BAD_INPUT} carrying the
 * failing stage's message: one session, the failing stage attempted once, no failover, no object
 * written, no session files left on the workers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadInputIT {
  private static final String BUCKET = "bad";

  private static ItCluster cluster;
  private static Path data;

  /** A bad input: its file, the stages that read it, and what the failure must say. */
  private record Case(String name, String file, String stageType, List<String> messageParts) {}

  @BeforeAll
  static void start() throws IOException {
    data = HarnessPaths.newRunDir("BadInputIT-data");
    writeCorruptGzip(data.resolve("corrupt.csv.gz"));
    writeZipSlip(data.resolve("slip.zip"));
    writeMalformedCsv(data.resolve("malformed.csv"));
    cluster =
        ItClusters.builder()
            .name("BadInputIT")
            .workers("bad-1", "bad-2")
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** A valid gzip stream of CSV text with bytes in its deflate data overwritten. */
  private static void writeCorruptGzip(Path file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(Files.readAllBytes(DataFiles.csv(data, "plain.csv", 20_000)));
    }
    byte[] corrupt = bytes.toByteArray();
    Arrays.fill(corrupt, corrupt.length / 2, corrupt.length / 2 + 64, (byte) 0xFF);
    Files.write(file, corrupt);
  }

  private static void writeZipSlip(Path file) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("data/ok.csv"));
      zip.write("id,city,value\n1,a,2\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("../../evil.csv"));
      zip.write("id,city,value\n6,six,66\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
  }

  /** Three rows with the wrong number of fields among good ones; maxRejects is 2. */
  private static void writeMalformedCsv(Path file) throws IOException {
    Files.writeString(
        file,
        "id,city,value\n1,a,10\n2,b\n3,c,30\n4,d,40,extra\n5,e,50\n6\n7,g,70\n",
        StandardCharsets.UTF_8);
  }

  private static String spec(Case c) {
    String decompress = c.file().endsWith(".csv") ? "" : "\n  - type: decompress";
    return """
        name: bad-input-%s
        session:
          heartbeatTimeout: 5s
          creationTimeout: 30s
          maxWorkerAttempts: 3
          failoverBackoff: 200ms
        stages:
          - type: download
            url: %s%s
          - type: transform-csv
            maxRejects: 2
          - type: upload
            to: s3://%s/%s/{runId}/{file}
        """
        .formatted(c.name(), cluster.origin().uri(c.file()), decompress, BUCKET, c.name());
  }

  @Test
  void eachBadInputFailsFastWithTheStageMessageAndNoFailover() {
    List<Case> cases =
        List.of(
            new Case("corrupt-archive", "corrupt.csv.gz", "decompress", List.of("corrupt.csv.gz")),
            new Case("zip-slip", "slip.zip", "decompress", List.of("../../evil.csv")),
            new Case("malformed-csv", "malformed.csv", "transform-csv", List.of("malformed.csv")),
            new Case(
                "not-found",
                "missing.csv.gz",
                "download",
                List.of("404", cluster.origin().uri("missing.csv.gz").toString())));
    Pipelines pipelines = new Pipelines(cluster.client());
    long start = System.currentTimeMillis();
    Map<Case, String> ids = new LinkedHashMap<>();
    for (Case c : cases)
      ids.put(c, pipelines.start("it-bad-" + c.name(), Pipelines.parse(spec(c))));

    StringBuilder figures = new StringBuilder();
    for (Case c : cases) {
      String id = ids.get(c);
      WorkflowException failure = pipelines.failure(id, Duration.ofSeconds(90));
      long elapsed = System.currentTimeMillis() - start;
      assertThat(failure.getCause()).as(c.name()).isInstanceOf(ApplicationFailure.class);
      ApplicationFailure cause = (ApplicationFailure) failure.getCause();
      String message = cause.getOriginalMessage();
      assertThat(cause.getType()).as("%s: %s", c.name(), message).isEqualTo(Failures.BAD_INPUT);
      assertThat(cause.isNonRetryable()).isTrue();
      assertThat(message).as(c.name()).contains(c.messageParts());

      History history = pipelines.history(id);
      assertThat(history.scheduled("session-lease")).as("sessions of %s", c.name()).hasSize(1);
      assertThat(history.activityEvents(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, c.stageType()))
          .as("attempts of %s in %s", c.stageType(), c.name())
          .singleElement()
          .satisfies(
              e -> assertThat(e.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1));
      assertThat(history.scheduled("upload")).as("upload of %s", c.name()).isEmpty();
      PipelineStatus status = pipelines.status(id);
      assertThat(status.state()).isEqualTo("FAILED");
      assertThat(status.sessions())
          .singleElement()
          .satisfies(s -> assertThat(s.state()).isEqualTo("CLOSED"));
      assertThat(cluster.s3().keys(BUCKET, c.name() + "/")).as(c.name()).isEmpty();
      figures.append("%s=%s(%d ms) ".formatted(c.name(), c.stageType(), elapsed));
    }
    OutputChecks.assertNoSessionFiles(cluster);
    assertThat(cluster.s3().pendingUploads(BUCKET)).isEmpty();
    ItSummary.pass(
        "s10-bad-input",
        cluster.mode(),
        "cases=4 failovers=0 " + figures.toString().trim() + " (ms from start of all four)");
  }
}
