package dev.locality.activities.stages.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.s3.S3Location;
import dev.locality.activities.stages.s3.S3TestServer;
import dev.locality.activities.stages.s3.S3Uploader;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Stage;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The upload stage against an S3 API server (S3Proxy) on 127.0.0.1. */
class UploadStageS3Test {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T23:30:00Z"), ZoneOffset.UTC);
  private static final int MIB = 1 << 20;
  private static S3TestServer s3;
  private static int buckets;

  @TempDir Path tmp;
  private String bucket;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @AfterEach
  void healServer() {
    s3.failPart(0);
  }

  private StageTestRunner upload(String to) {
    return upload(new UploadStage(CLOCK), to);
  }

  /** A runner for {@code stage} (the upload stage or a wrapper) writing to a fresh bucket. */
  private StageTestRunner upload(Stage stage, String to) {
    bucket = bucket == null ? "target-" + (++buckets) : bucket;
    if (!s3.admin().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
      s3.createBucket(bucket);
    }
    StageTestRunner runner =
        StageTestRunner.of(stage, tmp)
            .option("to", to.replace("BUCKET", bucket))
            .pipeline(new PipelineInfo("daily", "wf-7", "run-9"));
    s3.workerSettings().forEach(runner::workerSetting);
    return runner.workerSetting("s3MultipartThreshold", "6m").workerSetting("s3PartSize", "5m");
  }

  @Test
  void smallFilesAreOneChecksummedPut() throws Exception {
    var run =
        upload("s3://BUCKET/{name}/{date}/{file}")
            .input("a.csv", "a\n")
            .input("b.csv", "b\n")
            .run();
    assertThat(run.result().outputUris())
        .containsExactly(
            "s3://" + bucket + "/daily/2026-11-25/a.csv",
            "s3://" + bucket + "/daily/2026-11-25/b.csv");
    assertThat(read("daily/2026-11-25/a.csv")).isEqualTo("a\n".getBytes());
    HeadObjectResponse head = head("daily/2026-11-25/b.csv");
    assertThat(head.metadata()).containsEntry(S3Uploader.SHA256_METADATA, sha256("b\n".getBytes()));
    assertThat(head.eTag()).doesNotContain("-");
    assertThat(run.metrics().bytesOut()).isEqualTo(4);
  }

  @Test
  void thePathPlaceholderKeepsAPartitionedLayoutAsKeys() throws Exception {
    bucket = "target-" + (++buckets);
    s3.createBucket(bucket);
    StageTestRunner next =
        StageTestRunner.of(
                new dev.locality.activities.stages.csv.TransformCsvStage(), tmp.resolve("t"))
            .option("partitionBy", java.util.List.of("state"))
            .input("in.csv", "id,state\n1,CA\n2,NY\n3,CA\n")
            .run()
            .then(new UploadStage(CLOCK))
            .option("to", "s3://" + bucket + "/sales/{path}");
    s3.workerSettings().forEach(next::workerSetting);
    var run = next.run();
    assertThat(run.result().outputUris())
        .containsExactlyInAnyOrder(
            "s3://" + bucket + "/sales/state=CA/part-00000.csv",
            "s3://" + bucket + "/sales/state=NY/part-00000.csv");
    assertThat(read("sales/state=CA/part-00000.csv")).isEqualTo("id\n1\n3\n".getBytes());
    assertThat(read("sales/state=NY/part-00000.csv")).isEqualTo("id\n2\n".getBytes());
  }

  @Test
  void largeFilesAreAMultipartUpload() throws Exception {
    byte[] data = randomBytes(12 * MIB + 123);
    var run = upload("s3://BUCKET/big/{file}").input("big.bin", data).run();
    assertThat(read("big/big.bin")).isEqualTo(data);
    assertThat(head("big/big.bin").eTag()).endsWith("-3\"");
    assertThat(head("big/big.bin").metadata())
        .containsEntry(S3Uploader.SHA256_METADATA, sha256(data));
    assertThat(s3.pendingUploads(bucket)).isEmpty();
    assertThat(run.heartbeats()).last().satisfies(p -> assertThat(p.done()).isEqualTo(data.length));
  }

  @Test
  void aFailedMultipartUploadLeavesNoObjectAndNoPendingUpload() throws Exception {
    var runner = upload("s3://BUCKET/big/{file}");
    s3.failPart(2);
    var error =
        runner.input("big.bin", randomBytes(12 * MIB)).runExpectingFailure(IOException.class);
    assertThat(error).hasMessageContaining("s3://" + bucket + "/big/big.bin");
    assertThat(s3.exists(bucket, "big/big.bin")).isFalse();
    assertThat(s3.pendingUploads(bucket)).isEmpty();
  }

  @Test
  void theAttemptAfterAFailoverAbortsTheUploadTheLostWorkerLeftAndNoOtherPipelines()
      throws Exception {
    byte[] data = randomBytes(12 * MIB);
    var runner = upload("s3://BUCKET/big/{file}").input("big.bin", data);
    String key = "big/big.bin";
    // this pipeline's upload on a worker that then died: it sent a part, and recorded the upload
    // in the pipeline's leftovers, which the failover hands to the stage on the new worker
    String ours = s3.admin().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    s3.admin()
        .uploadPart(
            b -> b.bucket(bucket).key(key).uploadId(ours).partNumber(1),
            RequestBody.fromString("part of attempt 1"));
    runner.leftovers().record(S3Uploader.leftover(new S3Location(bucket, key), ours));
    // another pipeline is uploading the same key right now
    String theirs = s3.admin().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();

    runner.run();

    assertThat(s3.pendingUploads(bucket)).containsExactly(key + " " + theirs);
    assertThat(runner.leftovers().recorded(S3Uploader.LEFTOVER_KIND)).isEmpty();
    assertThat(read(key)).isEqualTo(data);
  }

  @Test
  void onAKeyOnlyThisRunWritesEvenAnUploadNobodyRecordedIsAborted() throws Exception {
    byte[] data = randomBytes(12 * MIB);
    var runner = upload("s3://BUCKET/out/{runId}/{file}").input("big.bin", data);
    String key = "out/run-9/big.bin";
    // a worker cut off while CreateMultipartUpload was answered: S3 holds an upload whose id
    // nobody received, so no record names it
    String unknown = s3.admin().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    String longerKey =
        s3.admin().createMultipartUpload(b -> b.bucket(bucket).key(key + ".v2")).uploadId();

    runner.run();

    assertThat(s3.pendingUploads(bucket)).containsExactly(key + ".v2 " + longerKey);
    assertThat(s3.pendingUploads(bucket)).noneMatch(p -> p.endsWith(unknown));
    assertThat(read(key)).isEqualTo(data);
  }

  @Test
  void aWorkerThatLostItsSessionBeforeThePutLeavesNoObject() throws Exception {
    var fenced = new UploadStageTest.SessionLosingStage(new UploadStage(CLOCK), p -> true);
    var thrown =
        upload(fenced, "s3://BUCKET/out/{file}")
            .input("a.csv", "a\n")
            .runExpectingFailure(RuntimeException.class);
    assertThat(thrown).isSameAs(fenced.sessionLost());
    assertThat(s3.exists(bucket, "out/a.csv")).isFalse();
  }

  @Test
  void aWorkerThatLostItsSessionAfterSendingAllPartsLeavesNoObjectAndNoPendingUpload()
      throws Exception {
    var fenced =
        new UploadStageTest.SessionLosingStage(new UploadStage(CLOCK), p -> p.done() == p.total());
    var thrown =
        upload(fenced, "s3://BUCKET/big/{file}")
            .input("big.bin", randomBytes(12 * MIB))
            .runExpectingFailure(RuntimeException.class);
    assertThat(thrown).isSameAs(fenced.sessionLost());
    assertThat(s3.exists(bucket, "big/big.bin")).isFalse();
    assertThat(s3.pendingUploads(bucket)).isEmpty();
  }

  @Test
  void overwriteFalseRefusesAnObjectWithOtherContent() throws Exception {
    var runner = upload("s3://BUCKET/out/x.csv");
    s3.admin().putObject(b -> b.bucket(bucket).key("out/x.csv"), RequestBody.fromString("old"));
    var error = runner.option("overwrite", false).input("x.csv", "new").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("s3://" + bucket + "/out/x.csv")
        .hasMessageContaining("exists")
        .hasMessageContaining("overwrite");
    assertThat(read("out/x.csv")).isEqualTo("old".getBytes());
  }

  @Test
  void overwriteFalseAcceptsWhatARetriedAttemptAlreadyWrote() throws Exception {
    upload("s3://BUCKET/out/x.csv").option("overwrite", false).input("x.csv", "same").run();
    var retry =
        StageTestRunner.of(new UploadStage(CLOCK), tmp.resolve("retry"))
            .option("to", "s3://" + bucket + "/out/x.csv")
            .option("overwrite", false)
            .input("x.csv", "same");
    s3.workerSettings().forEach(retry::workerSetting);
    var run = retry.run();
    assertThat(run.result().outputUris()).containsExactly("s3://" + bucket + "/out/x.csv");
    assertThat(read("out/x.csv")).isEqualTo("same".getBytes());
  }

  @Test
  void overwriteTrueReplacesAnObject() throws Exception {
    var runner = upload("s3://BUCKET/out/y.csv");
    s3.admin().putObject(b -> b.bucket(bucket).key("out/y.csv"), RequestBody.fromString("old"));
    runner.input("y.csv", "new").run();
    assertThat(read("out/y.csv")).isEqualTo("new".getBytes());
  }

  @Test
  void missingBucketIsBadInput() throws Exception {
    var runner = upload("s3://BUCKET/x.csv");
    var error =
        runner.option("to", "s3://no-such-bucket/x.csv").input("x.csv", "x").runExpectingBadInput();
    assertThat(error).hasMessageContaining("s3://no-such-bucket/x.csv").hasMessageContaining("404");
  }

  @Test
  void s3TemplatesAreChecked() {
    assertThat(upload("s3://BUCKET/{name}/{file}").validate()).isEmpty();
    assertThat(upload("s3://{name}/x.csv").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("bucket"));
    assertThat(upload("s3://key:secret@BUCKET/x.csv").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("credentials"));
    assertThat(upload("s3://BUCKET/out/").validate()).hasSize(1);
  }

  private byte[] read(String key) {
    return s3.admin().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  private HeadObjectResponse head(String key) {
    return s3.admin().headObject(b -> b.bucket(bucket).key(key));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(11).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] data) {
    var digest = Sha256.newDigest();
    digest.update(data);
    return Sha256.hex(digest);
  }
}
