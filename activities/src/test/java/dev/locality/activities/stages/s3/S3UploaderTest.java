package dev.locality.activities.stages.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.api.stage.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

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
            new S3Clients()
                .client(name -> java.util.Optional.ofNullable(s3.workerSettings().get(name))),
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
                    }));
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
                    n -> {}));
    assertThat(thrown).isInstanceOf(BadInputException.class).hasMessageContaining("exists");
    assertThat(
            s3.admin().getObjectAsBytes(b -> b.bucket("uploads").key("raced.bin")).asUtf8String())
        .isEqualTo("theirs");
  }

  private Path file(int size) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(tmp.resolve("f-" + size), data);
  }
}
