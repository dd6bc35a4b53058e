package dev.locality.activities.stages.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.stage.BadInputException;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3UploaderTest {
  private static final int MIB = 1 << 20;
  private static S3TestServer s3;
  private static S3Uploader uploader;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket("uploads");
    uploader =
        new S3Uploader(
            new S3Clients().client(WorkerSettingValues.unchecked(s3.workerSettings())),
            6 * MIB,
            5 * MIB,
            LoggerFactory.getLogger(S3UploaderTest.class));
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void pendingUploadsAreVisibleToTheTests() {
    String id =
        s3.admin().createMultipartUpload(b -> b.bucket("uploads").key("dangling")).uploadId();
    assertThat(s3.pendingUploads("uploads")).containsExactly("dangling " + id);
    s3.admin().abortMultipartUpload(b -> b.bucket("uploads").key("dangling").uploadId(id));
    assertThat(s3.pendingUploads("uploads")).isEmpty();
  }

  @Test
  void aCancellationDuringAMultipartUploadAbortsItAndPropagatesUnchanged() throws Exception {
    Path file = file(13 * MIB);
    RuntimeException cancelled = new RuntimeException("activity cancelled");
    Throwable thrown =
        catchThrowable(
            () ->
                uploader.upload(
                    new S3Location("uploads", "cancelled.bin"),
                    file,
                    Sha256.ofFile(file),
                    true,
                    n -> {
                      if (n > 6 * MIB) throw cancelled;
                    },
                    () -> {}));
    assertThat(thrown).isSameAs(cancelled);
    assertThat(s3.exists("uploads", "cancelled.bin")).isFalse();
    assertThat(s3.pendingUploads("uploads")).isEmpty();
  }

  @Test
  void aConditionalWriteNeverReplacesAnotherWritersObject() throws Exception {
    Path file = file(1000);
    s3.admin()
        .putObject(b -> b.bucket("uploads").key("raced.bin"), RequestBody.fromString("theirs"));
    Throwable thrown =
        catchThrowable(
            () ->
                uploader.upload(
                    new S3Location("uploads", "raced.bin"),
                    file,
                    Sha256.ofFile(file),
                    false,
                    n -> {},
                    () -> {}));
    assertThat(thrown).isInstanceOf(BadInputException.class).hasMessageContaining("exists");
    assertThat(
            s3.admin().getObjectAsBytes(b -> b.bucket("uploads").key("raced.bin")).asUtf8String())
        .isEqualTo("theirs");
  }

  @Test
  void aMultipartUploadAbortsPendingUploadsLeftOnItsKeyAndNoOthers() throws Exception {
    s3.createBucket("stale");
    String key = "out/report.bin";
    PendingUpload stale = startUploadWithOnePart("stale", key);
    PendingUpload otherKey = startUploadWithOnePart("stale", key + ".other");
    PendingUpload prefixOfKey = startUploadWithOnePart("stale", "out/report");
    Path file = file(13 * MIB);

    S3Uploader.Outcome outcome =
        uploader.upload(
            new S3Location("stale", key), file, Sha256.ofFile(file), true, n -> {}, () -> {});

    assertThat(outcome).isEqualTo(S3Uploader.Outcome.WRITTEN);
    assertThat(s3.pendingUploads("stale"))
        .containsExactlyInAnyOrder(
            key + ".other " + otherKey.id(), "out/report " + prefixOfKey.id());
    assertThat(read("stale", key)).isEqualTo(Files.readAllBytes(file));
    Throwable lateCommit =
        catchThrowable(
            () ->
                s3.admin()
                    .completeMultipartUpload(
                        b ->
                            b.bucket("stale")
                                .key(key)
                                .uploadId(stale.id())
                                .multipartUpload(
                                    m ->
                                        m.parts(
                                            CompletedPart.builder()
                                                .partNumber(1)
                                                .eTag(stale.partETag())
                                                .build()))));
    assertThat(lateCommit)
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(read("stale", key)).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void aFailedFenceCheckBeforeCompletingAbortsTheMultipartUploadAndPropagatesUnchanged()
      throws Exception {
    s3.createBucket("fenced-multipart");
    Path file = file(13 * MIB);
    RuntimeException sessionLost = new RuntimeException("session lost");
    AtomicLong sent = new AtomicLong();
    AtomicLong sentAtCheck = new AtomicLong(-1);
    List<String> pendingAtCheck = new ArrayList<>();

    Throwable thrown =
        catchThrowable(
            () ->
                uploader.upload(
                    new S3Location("fenced-multipart", "out.bin"),
                    file,
                    Sha256.ofFile(file),
                    true,
                    sent::set,
                    () -> {
                      sentAtCheck.set(sent.get());
                      pendingAtCheck.addAll(s3.pendingUploads("fenced-multipart"));
                      throw sessionLost;
                    }));

    assertThat(thrown).isSameAs(sessionLost);
    assertThat(sentAtCheck).hasValue(13 * MIB); // checked after the last part, before completing
    assertThat(pendingAtCheck).singleElement().asString().startsWith("out.bin ");
    assertThat(s3.exists("fenced-multipart", "out.bin")).isFalse();
    assertThat(s3.pendingUploads("fenced-multipart")).isEmpty();
  }

  @Test
  void aFailedFenceCheckBeforeASinglePutLeavesTheOldObject() throws Exception {
    s3.createBucket("fenced-put");
    s3.admin().putObject(b -> b.bucket("fenced-put").key("out.csv"), RequestBody.fromString("old"));
    Path file = file(1000);
    RuntimeException sessionLost = new RuntimeException("session lost");
    AtomicLong sent = new AtomicLong();
    AtomicLong sentAtCheck = new AtomicLong(-1);

    Throwable thrown =
        catchThrowable(
            () ->
                uploader.upload(
                    new S3Location("fenced-put", "out.csv"),
                    file,
                    Sha256.ofFile(file),
                    true,
                    sent::set,
                    () -> {
                      sentAtCheck.set(sent.get());
                      throw sessionLost;
                    }));

    assertThat(thrown).isSameAs(sessionLost);
    assertThat(sentAtCheck).hasValue(0); // checked before the PUT started
    assertThat(read("fenced-put", "out.csv")).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
  }

  /** A multipart upload started directly, and the ETag of its part 1. */
  private record PendingUpload(String id, String partETag) {}

  /** Starts a multipart upload the way a cut-off attempt left it: one part sent. */
  private static PendingUpload startUploadWithOnePart(String bucket, String key) {
    String id = s3.admin().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    String etag =
        s3.admin()
            .uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                RequestBody.fromString("part of an earlier attempt"))
            .eTag();
    return new PendingUpload(id, etag);
  }

  private static byte[] read(String bucket, String key) {
    return s3.admin().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  private Path file(int size) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(tmp.resolve("f-" + size), data);
  }
}
