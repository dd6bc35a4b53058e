package dev.locality.activities.stages.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Leftovers;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
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
  void aMultipartUploadLeavesAnotherWritersPendingUploadOfItsKeyAlone() throws Exception {
    s3.createBucket("foreign");
    String key = "out/report.bin";
    PendingUpload theirs = startUploadWithOnePart("foreign", key);
    Path file = file(13 * MIB);

    S3Uploader.Outcome outcome =
        uploader.upload(
            new S3Location("foreign", key), file, Sha256.ofFile(file), true, n -> {}, () -> {});

    assertThat(outcome).isEqualTo(S3Uploader.Outcome.WRITTEN);
    assertThat(s3.pendingUploads("foreign")).containsExactly(key + " " + theirs.id());
    assertThat(read("foreign", key)).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void aRetriedAttemptAbortsOnlyTheUploadsItsEarlierAttemptsRecorded() throws Exception {
    s3.createBucket("stale");
    String key = "out/report.bin";
    PendingUpload ours = startUploadWithOnePart("stale", key);
    PendingUpload theirs = startUploadWithOnePart("stale", key); // another pipeline, same key
    Leftovers retried = Leftovers.inMemory();
    retried.record(S3Uploader.leftover(new S3Location("stale", key), ours.id()));
    retried.record(S3Uploader.leftover(new S3Location("stale", "gone"), "no-such-id"));
    retried.record(new Leftovers.Leftover("another-kind", "s3://stale/" + key, theirs.id()));

    S3Uploader retry = uploader(retried);
    retry.abortRecordedUploads(() -> {});

    assertThat(s3.pendingUploads("stale")).containsExactly(key + " " + theirs.id());
    assertThat(retried.recorded(S3Uploader.LEFTOVER_KIND)).isEmpty();
    assertThat(retried.recorded("another-kind")).hasSize(1);
    Throwable lateCommit = catchThrowable(() -> complete("stale", key, ours));
    assertThat(lateCommit)
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void anUploadCreatedJustAsTheSessionWasLostIsAbortedNotLeftUnrecorded() throws Exception {
    s3.createBucket("lost");
    Path file = file(13 * MIB);
    Leftovers record = Leftovers.inMemory();
    RuntimeException sessionLost = new RuntimeException("session lost (fenced)");

    Throwable thrown =
        catchThrowable(
            () ->
                uploader(record)
                    .upload(
                        new S3Location("lost", "late.bin"),
                        file,
                        Sha256.ofFile(file),
                        true,
                        n -> {
                          throw sessionLost; // the first heartbeat: during or right after create
                        },
                        () -> {}));

    assertThat(thrown).isSameAs(sessionLost);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!s3.pendingUploads("lost").isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(s3.pendingUploads("lost")).isEmpty();
    assertThat(record.recorded(S3Uploader.LEFTOVER_KIND)).isEmpty();
  }

  @Test
  void anUploadWhoseAbortFailedStaysRecordedForTheNextAttempt() throws Exception {
    s3.createBucket("unabortable");
    Leftovers record = Leftovers.inMemory();
    Path file = file(13 * MIB);
    S3Location target = new S3Location("unabortable", "big.bin");
    s3.failPart(2);
    try {
      Throwable failed =
          catchThrowable(
              () ->
                  new S3Uploader(
                          withoutAborts(
                              new S3Clients()
                                  .client(WorkerSettingValues.unchecked(s3.workerSettings()))),
                          6 * MIB,
                          5 * MIB,
                          LoggerFactory.getLogger(S3UploaderTest.class),
                          record)
                      .upload(target, file, Sha256.ofFile(file), true, n -> {}, () -> {}));
      assertThat(failed).isInstanceOf(IOException.class);
    } finally {
      s3.failPart(0);
    }
    assertThat(s3.pendingUploads("unabortable")).hasSize(1);
    assertThat(record.recorded(S3Uploader.LEFTOVER_KIND))
        .singleElement()
        .extracting(Leftovers.Leftover::resource)
        .isEqualTo("s3://unabortable/big.bin");

    S3Uploader retry = uploader(record);
    retry.abortRecordedUploads(() -> {});
    retry.upload(target, file, Sha256.ofFile(file), true, n -> {}, () -> {});

    assertThat(s3.pendingUploads("unabortable")).isEmpty();
    assertThat(record.recorded(S3Uploader.LEFTOVER_KIND)).isEmpty();
    assertThat(read("unabortable", "big.bin")).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void twoPipelinesUploadingOneKeyConcurrentlyBothComplete() throws Exception {
    s3.createBucket("shared-key");
    S3Location target = new S3Location("shared-key", "out.bin");
    Path first = file(13 * MIB);
    Path second = file(12 * MIB);

    Concurrent race = race(target, first, second, true);

    assertThat(race.first()).isEqualTo(S3Uploader.Outcome.WRITTEN);
    assertThat(race.second()).isEqualTo(S3Uploader.Outcome.WRITTEN);
    assertThat(read("shared-key", "out.bin")).isEqualTo(Files.readAllBytes(first)); // last wins
    assertThat(s3.pendingUploads("shared-key")).isEmpty();
  }

  @Test
  void withOverwriteFalseOfTwoConcurrentPipelinesOneWinsAndTheOtherIsToldTheTargetExists()
      throws Exception {
    s3.createBucket("no-overwrite");
    S3Location target = new S3Location("no-overwrite", "out.bin");
    Path first = file(13 * MIB);
    Path second = file(12 * MIB);

    Concurrent race = race(target, first, second, false);

    assertThat(race.second()).isEqualTo(S3Uploader.Outcome.WRITTEN);
    assertThat(race.firstFailure())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("s3://no-overwrite/out.bin exists")
        .hasMessageContaining("overwrite");
    assertThat(read("no-overwrite", "out.bin")).isEqualTo(Files.readAllBytes(second));
    assertThat(s3.pendingUploads("no-overwrite")).isEmpty();
  }

  @Test
  void ourUploadAbortedByAnotherPartyIsATransientFailureNotBadInput() throws Exception {
    s3.createBucket("aborted-under-us");
    S3Location target = new S3Location("aborted-under-us", "out.bin");
    Path file = file(13 * MIB);
    AtomicBoolean abortedIt = new AtomicBoolean();

    Throwable thrown =
        catchThrowable(
            () ->
                uploader.upload(
                    target,
                    file,
                    Sha256.ofFile(file),
                    true,
                    n -> {
                      if (n >= 5 * MIB && abortedIt.compareAndSet(false, true)) {
                        for (String pending : s3.pendingUploads("aborted-under-us")) {
                          String id = pending.substring(pending.indexOf(' ') + 1);
                          s3.admin()
                              .abortMultipartUpload(
                                  b -> b.bucket("aborted-under-us").key("out.bin").uploadId(id));
                        }
                      }
                    },
                    () -> {}));

    assertThat(abortedIt).isTrue();
    assertThat(thrown)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(BadInputException.class)
        .hasMessageContaining("s3://aborted-under-us/out.bin")
        .hasMessageContaining("NoSuchUpload")
        .hasMessageContaining("transient");
    assertThat(s3.exists("aborted-under-us", "out.bin")).isFalse();
    assertThat(s3.pendingUploads("aborted-under-us")).isEmpty();
  }

  /** What two uploaders (two pipelines) did when racing for one key. */
  private record Concurrent(
      S3Uploader.Outcome first,
      Throwable firstFailure,
      S3Uploader.Outcome second,
      Throwable secondFailure) {}

  /**
   * Uploads {@code first} and {@code second} to {@code target} with two uploaders of their own
   * records: the first sends its first part, then waits while the second uploads completely, then
   * finishes.
   */
  private Concurrent race(S3Location target, Path first, Path second, boolean overwrite)
      throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    S3Uploader one = uploader(Leftovers.inMemory());
    S3Uploader two = uploader(Leftovers.inMemory());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<S3Uploader.Outcome> firstUpload =
          pool.submit(
              () ->
                  one.upload(
                      target,
                      first,
                      Sha256.ofFile(first),
                      overwrite,
                      n -> {
                        if (n >= 5 * MIB && firstStarted.getCount() > 0) {
                          firstStarted.countDown();
                          await(secondDone);
                        }
                      },
                      () -> {}));
      assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(s3.pendingUploads(target.bucket())).hasSize(1);
      S3Uploader.Outcome secondOutcome = null;
      Throwable secondFailure = null;
      try {
        secondOutcome =
            two.upload(target, second, Sha256.ofFile(second), overwrite, n -> {}, () -> {});
      } catch (Exception e) {
        secondFailure = e;
      } finally {
        secondDone.countDown();
      }
      S3Uploader.Outcome firstOutcome = null;
      Throwable firstFailure = null;
      try {
        firstOutcome = firstUpload.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        firstFailure = e.getCause();
      }
      return new Concurrent(firstOutcome, firstFailure, secondOutcome, secondFailure);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static S3Uploader uploader(Leftovers record) {
    return new S3Uploader(
        new S3Clients().client(WorkerSettingValues.unchecked(s3.workerSettings())),
        6 * MIB,
        5 * MIB,
        LoggerFactory.getLogger(S3UploaderTest.class),
        record);
  }

  /** {@code client}, but every abort fails as if the store could not be reached. */
  private static S3Client withoutAborts(S3Client client) {
    return (S3Client)
        Proxy.newProxyInstance(
            S3Client.class.getClassLoader(),
            new Class<?>[] {S3Client.class},
            (proxy, method, args) -> {
              if (method.getName().equals("abortMultipartUpload")) {
                throw SdkClientException.create("injected: the store cannot be reached");
              }
              try {
                return method.invoke(client, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static void complete(String bucket, String key, PendingUpload upload) {
    s3.admin()
        .completeMultipartUpload(
            b ->
                b.bucket(bucket)
                    .key(key)
                    .uploadId(upload.id())
                    .multipartUpload(
                        m ->
                            m.parts(
                                CompletedPart.builder()
                                    .partNumber(1)
                                    .eTag(upload.partETag())
                                    .build())));
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
