package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItSummary;
import dev.locality.it.harness.OutputChecks;
import dev.locality.it.harness.Pipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Worker-scoped resources end to end: four pipelines (download from a real HTTP server → lookup →
 * upload to S3), started together on one worker process, enrich their rows from one reference table
 * served over HTTP. The table is loaded once for all four (the worker logs each load) and, as the
 * spec gives its SHA-256, fetched once (the HTTP server counts its GETs), though the four ask for
 * it at the same moment. Every uploaded row carries its county as the data generator defined it;
 * rows whose zip code the table lacks are in the rejects file with the reason.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LookupIT {
  private static final String BUCKET = "lookup";
  private static final int PIPELINES = 4;
  private static final int TABLE_ROWS = 40_000;
  private static final int FIRST_ZIP = 10_000;
  private static final int ROWS_PER_INPUT = 5_000;

  private static ItCluster cluster;
  private static Path data;
  private static String tableSha;

  @BeforeAll
  static void start() throws Exception {
    data = HarnessPaths.newRunDir("LookupIT-data");
    StringBuilder table = new StringBuilder("zip_code,county,state\n");
    for (int zip = FIRST_ZIP; zip < FIRST_ZIP + TABLE_ROWS; zip++)
      table
          .append(zip)
          .append(',')
          .append(csv(county(zip)))
          .append(",S")
          .append(zip % 50)
          .append('\n');
    byte[] tableBytes = table.toString().getBytes(StandardCharsets.UTF_8);
    Files.write(data.resolve("zip-to-county.csv"), tableBytes);
    tableSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tableBytes));
    Random random = new Random(16);
    for (int i = 0; i < PIPELINES; i++) {
      StringBuilder input = new StringBuilder("order_id,zip_code,amount\n");
      for (int r = 0; r < ROWS_PER_INPUT; r++) {
        // about 1 in 9 zip codes lies beyond the table
        int zip = FIRST_ZIP + random.nextInt(TABLE_ROWS + TABLE_ROWS / 8);
        input.append(i * ROWS_PER_INPUT + r).append(',').append(zip).append(',').append(r % 100);
        input.append('\n');
      }
      Files.writeString(data.resolve("orders-" + i + ".csv"), input.toString());
    }
    cluster =
        ItClusters.builder()
            .name("LookupIT")
            .workers("lookup-1")
            .maxSessions(PIPELINES)
            .serve(data)
            .withS3()
            .start();
    cluster.s3().createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** The generator's county of a zip code: some with a comma, so that they are quoted. */
  private static String county(int zip) {
    return zip % 7 == 0 ? "County " + (zip % 313) + ", North" : "County " + (zip % 313);
  }

  private static String csv(String value) {
    return value.contains(",") ? "\"" + value + "\"" : value;
  }

  private static String spec(int i) {
    return """
        name: lookup-%d
        session:
          heartbeatTimeout: 5s
          creationTimeout: 30s
          maxWorkerAttempts: 3
          failoverBackoff: 200ms
        stages:
          - type: download
            url: %s
          - type: lookup
            table: %s
            sha256: %s
            on: zip_code
            add: [county]
            missing: reject
          - type: upload
            to: s3://%s/p%d/{file}
        """
        .formatted(
            i,
            cluster.origin().uri("orders-" + i + ".csv"),
            cluster.origin().uri("zip-to-county.csv"),
            tableSha,
            BUCKET,
            i);
  }

  @Test
  void fourPipelinesOnOneWorkerLoadAndFetchTheTableOnce() throws IOException {
    Pipelines pipelines = new Pipelines(cluster.client());
    long started = System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PIPELINES; i++)
      ids.add(pipelines.start("it-lookup-" + i, Pipelines.parse(spec(i))));
    long rejected = 0;
    for (int i = 0; i < PIPELINES; i++) {
      PipelineResult result = pipelines.result(ids.get(i), Duration.ofSeconds(120));
      assertThat(result.workerId()).isEqualTo("lookup-1");
      String output =
          new String(
              cluster.s3().read(BUCKET, "p" + i + "/orders-" + i + ".csv"), StandardCharsets.UTF_8);
      String rejects =
          new String(
              cluster.s3().read(BUCKET, "p" + i + "/orders-" + i + ".rejects.csv"),
              StandardCharsets.UTF_8);
      List<String> in = Files.readAllLines(data.resolve("orders-" + i + ".csv"));
      StringBuilder expected = new StringBuilder("order_id,zip_code,amount,county\n");
      StringBuilder expectedRejects = new StringBuilder("line,reason,raw\n");
      for (int line = 2; line <= in.size(); line++) {
        String row = in.get(line - 1);
        int zip = Integer.parseInt(row.split(",")[1]);
        if (zip < FIRST_ZIP + TABLE_ROWS) {
          expected.append(row).append(',').append(csv(county(zip))).append('\n');
        } else {
          rejected++;
          expectedRejects
              .append(line)
              .append(",no row in the lookup table for zip_code '")
              .append(zip)
              .append("',\"")
              .append(row)
              .append("\"\n");
        }
      }
      assertThat(output).as("pipeline %d's output", i).isEqualTo(expected.toString());
      assertThat(rejects).as("pipeline %d's rejects", i).isEqualTo(expectedRejects.toString());
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    String log = cluster.worker("lookup-1").log();
    long loads = Pattern.compile("loaded lookup table ").matcher(log).results().count();
    long enriched =
        Pattern.compile("rows enriched from lookup table").matcher(log).results().count();
    assertThat(enriched).as("lookup stages that ran").isEqualTo(PIPELINES);
    assertThat(loads).as("table loads on the worker").isEqualTo(1);
    assertThat(cluster.origin().gets("zip-to-county.csv")).as("GETs of the table").isEqualTo(1);
    assertThat(rejected).isPositive();
    OutputChecks.assertNoSessionFiles(cluster);
    ItSummary.pass(
        "lookup-shared-table",
        cluster.mode(),
        "pipelines=%d table_rows=%d loads=%d table_gets=%d rows=%d rejected=%d wall_ms=%d"
            .formatted(
                PIPELINES,
                TABLE_ROWS,
                loads,
                cluster.origin().gets("zip-to-county.csv"),
                PIPELINES * ROWS_PER_INPUT,
                rejected,
                millis));
  }
}
