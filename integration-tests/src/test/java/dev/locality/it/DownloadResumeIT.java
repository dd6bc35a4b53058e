package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.it.harness.DataFiles;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.OutputChecks;
import dev.locality.it.harness.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resume by {@code Range}/{@code If-Range} through a real worker: the origin drops the connection
 * in the middle of the body; the download's next attempt on the same worker asks for the rest only,
 * with the first response's ETag as {@code If-Range}, and the uploaded object holds exactly the
 * origin's bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DownloadResumeIT {
  private static final String BUCKET = "resume";
  private static final String FILE = "big.csv";
  private static final long CUT_AFTER = 3_000_000;

  private static ItCluster cluster;
  private static Path data;

  @BeforeAll
  static void start() {
    data = HarnessPaths.newRunDir("DownloadResumeIT-data");
    DataFiles.csv(data, FILE, 400_000); // ~7.5 MB
    cluster =
        ItClusters.builder()
            .name("DownloadResumeIT")
            .workers("resume-1")
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aConnectionLostMidBodyResumesWithRangeAndIfRange() throws Exception {
    cluster.origin().cutNext(FILE, CUT_AFTER);
    String spec =
        """
        name: resume
        session: {heartbeatTimeout: 5s, creationTimeout: 30s, maxWorkerAttempts: 1}
        stages:
          - type: download
            url: %s
            sha256: %s
            retry: {maxAttempts: 3}
          - type: upload
            to: s3://%s/{runId}/{file}
        """
            .formatted(cluster.origin().uri(FILE), DataFiles.sha256(data.resolve(FILE)), BUCKET);
    Pipelines pipelines = new Pipelines(cluster.client());

    String id = pipelines.start("it-resume", Pipelines.parse(spec));
    PipelineResult result = pipelines.result(id, Duration.ofSeconds(90));

    List<String> gets = cluster.origin().rangeRequests();
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0)).isEqualTo("/" + FILE + " range=- if-range=-");
    String etag = cluster.origin().etag(FILE);
    assertThat(gets.get(1)).matches("/big\\.csv range=bytes=\\d+- if-range=\\Q" + etag + "\\E");
    long resumedAt = Long.parseLong(gets.get(1).replaceAll(".*bytes=(\\d+)-.*", "$1"));
    assertThat(resumedAt).isPositive().isLessThanOrEqualTo(CUT_AFTER);
    assertThat(result.sessions()).hasSize(1); // retried in place, no failover
    long size = Files.size(data.resolve(FILE));
    assertThat(result.stages().get(0).metrics().bytesOut()).isEqualTo(size);
    OutputChecks.assertObjectOnceNothingPending(
        cluster.s3(), BUCKET, result, Files.readAllBytes(data.resolve(FILE)));
    ItSummary.pass(
        "download-resume",
        cluster.mode(),
        "cut-after=%d resumed-at=%d of %d bytes".formatted(CUT_AFTER, resumedAt, size));
  }
}
