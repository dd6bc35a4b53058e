package dev.locality.activities.stages.s3;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.HeartbeatingWait;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Leftovers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one local file to an S3 object so that readers see the old object or the complete new
 * one, never a part of it.
 *
 * <ul>
 *   <li>Below the multipart threshold: one PUT carrying the file's SHA-256 as its checksum, which
 *       S3 verifies before storing the object.
 *   <li>From the threshold on: a multipart upload with the SHA-256 checksum algorithm, each part
 *       (at least 5 MiB, at most 10,000 parts) sent with its own SHA-256. Any failure, including a
 *       cancellation, aborts the upload, so no parts linger and no object appears.
 * </ul>
 *
 * <p><b>Fencing: no commit without a fence check immediately before it.</b> The caller's {@code
 * beforeCommit} check runs right before the object becomes visible: before the single PUT starts,
 * and after the last part, right before {@code CompleteMultipartUpload}. When it throws (the worker
 * lost its session), nothing is committed, a multipart upload is aborted as for any other failure,
 * and the exception propagates unchanged.
 *
 * <p><b>Stale multipart uploads: only our own, wherever they were left.</b> Every multipart upload
 * this uploader creates is {@linkplain Leftovers#record recorded} as a leftover of kind {@value
 * #LEFTOVER_KIND} before any part is sent (when that fails, the upload is aborted at once), and
 * forgotten once completed or aborted. On a worker the record is kept by the pipeline's workflow,
 * so {@link #abortRecordedUploads} aborts what earlier attempts of the same pipeline's stage left:
 * an attempt whose abort failed or that was stuck on this worker, and the upload of a worker that
 * died, froze or was cut off before the pipeline failed over to this one. Nothing else: uploads are
 * never listed and aborted by key, so two pipelines writing one key never abort each other's live
 * upload. When another party (a lifecycle rule, an operator) aborts our upload anyway, its next
 * call fails with {@code NoSuchUpload}: a transient {@link IOException} (the retry starts a new
 * upload), never bad input; see {@link S3Failures}. What no later attempt cleans up (the pipeline
 * failed for good before the upload stage ran again, or a {@code CreateMultipartUpload} answer was
 * lost) is left to a bucket lifecycle rule ({@code AbortIncompleteMultipartUpload}); such an upload
 * never becomes an object, and a cut-off worker cannot complete one because of the fence check.
 *
 * <p>Every object gets the user metadata {@value #SHA256_METADATA} (hex SHA-256 of the content).
 * With {@code overwrite=false} an existing object is refused (bad input) unless it has the same
 * size and {@value #SHA256_METADATA} (a retried attempt already wrote it); the write itself is
 * conditional ({@code If-None-Match: *}) where the store supports it, closing the race with other
 * writers. Memory: one part buffer per running multipart upload.
 *
 * <p><b>Heartbeats:</b> every request runs on a helper thread while the caller's thread waits for
 * its answer and calls {@code progress} with the bytes sent so far every {@link
 * HeartbeatingWait#INTERVAL}: while the body streams and while S3 verifies a part or assembles the
 * object, which can take minutes for a large {@code CompleteMultipartUpload}. When {@code progress}
 * throws (the stage was cancelled), the request is abandoned (its body fails its next read), a
 * multipart upload is aborted, and the exception propagates unchanged. A request whose body was
 * fully sent may still complete on the server after that; for the single PUT and the completion
 * this happens only after the fence check passed. Thread-safe (stateless apart from the shared
 * client).
 */
public final class S3Uploader {
  /** User metadata holding the hex SHA-256 of the object's content. */
  public static final String SHA256_METADATA = "locality-sha256";

  static final long MIN_PART_SIZE = 5L << 20;
  static final int MAX_PARTS = 10_000;
  private static final long MAX_OBJECT_SIZE = 5L << 40;
  private static final String CONTENT_TYPE = "application/octet-stream";

  /** The {@link Leftovers.Leftover#kind()} of a multipart upload: resource {@code s3://b/k}. */
  public static final String LEFTOVER_KIND = "s3-multipart-upload";

  private final S3Client client;
  private final long multipartThreshold;
  private final long partSize;
  private final Logger log;
  private final Leftovers leftovers;

  /** What {@link #upload} did. */
  public enum Outcome {
    WRITTEN,
    ALREADY_PRESENT
  }

  /**
   * @param multipartThreshold files of at least this many bytes are uploaded in parts
   * @param partSize preferred part size, raised to 5 MiB and to what 10,000 parts need
   */
  public S3Uploader(S3Client client, long multipartThreshold, long partSize, Logger log) {
    this(client, multipartThreshold, partSize, log, Leftovers.inMemory());
  }

  /**
   * @param multipartThreshold files of at least this many bytes are uploaded in parts
   * @param partSize preferred part size, raised to 5 MiB and to what 10,000 parts need
   * @param record where the multipart uploads this uploader creates are recorded until completed or
   *     aborted, and where {@link #abortRecordedUploads} finds those of earlier attempts: the
   *     stage's {@code StageContext.leftovers()}
   */
  public S3Uploader(
      S3Client client, long multipartThreshold, long partSize, Logger log, Leftovers record) {
    this.client = client;
    this.multipartThreshold = Math.max(1, multipartThreshold);
    this.partSize = Math.max(MIN_PART_SIZE, partSize);
    this.log = log;
    this.leftovers = record;
  }

  /**
   * Aborts the multipart uploads recorded by earlier attempts of this stage, on this worker or
   * another (see the class comment), and forgets them; call before uploading. Best effort: an
   * upload that cannot be aborted now, or a record that cannot be read now, is logged and left for
   * the next attempt (and the bucket's lifecycle rule).
   *
   * @param heartbeat called at least every {@link HeartbeatingWait#INTERVAL} while S3 answers; what
   *     it throws (the stage was cancelled) propagates unchanged
   */
  public void abortRecordedUploads(Runnable heartbeat) throws IOException {
    List<Leftovers.Leftover> recorded;
    try {
      recorded = leftovers.recorded(LEFTOVER_KIND);
    } catch (IOException e) {
      log.warn("could not read the multipart uploads earlier attempts left: {}", e.toString());
      return;
    }
    for (Leftovers.Leftover stale : recorded) {
      S3Location target;
      try {
        target = targetOf(stale);
      } catch (IllegalArgumentException e) {
        log.warn("ignored a recorded multipart upload with target {}: {}", stale.resource(), e);
        continue;
      }
      if (abortLeftBehind(target, stale.id(), heartbeat)) leftovers.forget(stale);
    }
  }

  /**
   * Uploads {@code source} to {@code target}. With {@code overwrite=false} the write is
   * conditional; check {@link #alreadyPresent} first.
   *
   * @param sha256Hex the file's SHA-256 (hex)
   * @param progress called with bytes sent so far (may go back when the SDK retries a request)
   * @param beforeCommit the fence check, run once immediately before the object is committed
   *     (before the single PUT starts, or before {@code CompleteMultipartUpload}); an exception it
   *     throws prevents the commit, aborts a multipart upload and propagates unchanged
   * @throws BadInputException when the target exists and may not be replaced, or S3 refuses the
   *     request (missing bucket, access denied)
   * @throws IOException for transient failures
   */
  public Outcome upload(
      S3Location target,
      Path source,
      String sha256Hex,
      boolean overwrite,
      LongConsumer progress,
      Runnable beforeCommit)
      throws IOException {
    long size = Files.size(source);
    if (size > MAX_OBJECT_SIZE) {
      throw new BadInputException(
          source.getFileName() + " (" + size + " bytes) is larger than S3's 5 TiB object limit");
    }
    TransferProgress transfer = new TransferProgress();
    Runnable heartbeat = () -> progress.accept(transfer.sent());
    try {
      if (size < multipartThreshold) {
        beforeCommit.run();
        putSingle(target, source, size, sha256Hex, overwrite, transfer, heartbeat);
      } else {
        putMultipart(
            target,
            source,
            size,
            sha256Hex,
            overwrite,
            progress,
            beforeCommit,
            transfer,
            heartbeat);
      }
      return Outcome.WRITTEN;
    } catch (SdkException e) {
      if (!overwrite && S3Failures.hasStatus(e, 412)) {
        if (alreadyPresent(target, size, sha256Hex)) return Outcome.ALREADY_PRESENT;
        throw exists(target); // the object that blocked the write vanished again
      }
      throw S3Failures.badInputOr(e, "uploading to", target);
    } finally {
      transfer.stop(); // a request abandoned by a failed heartbeat stops sending
    }
  }

  /**
   * Runs an SDK call on a helper thread while this (the stage's) thread heartbeats; see {@link
   * HeartbeatingWait}, then reports the bytes sent once more, so the caller's progress (and the
   * fence check that follows the last part) knows every byte the call sent. What the call or the
   * heartbeat threw is rethrown unchanged.
   */
  private static <T> T call(Callable<T> sdkCall, Runnable heartbeat) throws IOException {
    T result = HeartbeatingWait.callUnchecked(sdkCall, heartbeat, ignored -> {});
    heartbeat.run();
    return result;
  }

  /**
   * Whether {@code target} already holds content of this size and SHA-256 (written by an earlier
   * attempt). Call before uploading with {@code overwrite=false}.
   *
   * @return false when there is no such object
   * @throws BadInputException when an object with other content is there
   */
  public boolean alreadyPresent(S3Location target, long size, String sha256Hex) throws IOException {
    HeadObjectResponse head;
    try {
      head = client.headObject(b -> b.bucket(target.bucket()).key(target.key()));
    } catch (SdkException e) {
      if (S3Failures.hasStatus(e, 404)) return false;
      throw S3Failures.badInputOr(e, "checking", target);
    }
    if (head.contentLength() == size && sha256Hex.equals(head.metadata().get(SHA256_METADATA))) {
      log.info("{} already holds this content (a retried attempt); not rewritten", target);
      return true;
    }
    throw exists(target);
  }

  private static BadInputException exists(S3Location target) {
    return new BadInputException(
        "target "
            + target
            + " exists with other content and option 'overwrite' is false; remove it or set"
            + " overwrite: true");
  }

  private void putSingle(
      S3Location target,
      Path source,
      long size,
      String sha256Hex,
      boolean overwrite,
      TransferProgress transfer,
      Runnable heartbeat)
      throws IOException {
    RequestBody body =
        RequestBody.fromContentProvider(
            () -> new ProgressInputStream(open(source), 0, transfer), size, CONTENT_TYPE);
    call(
        () ->
            client.putObject(
                b -> {
                  b.bucket(target.bucket())
                      .key(target.key())
                      .contentLength(size)
                      .contentType(CONTENT_TYPE)
                      .checksumSHA256(base64(HexFormat.of().parseHex(sha256Hex)))
                      .metadata(Map.of(SHA256_METADATA, sha256Hex));
                  if (!overwrite) b.ifNoneMatch("*");
                },
                body),
        heartbeat);
  }

  private void putMultipart(
      S3Location target,
      Path source,
      long size,
      String sha256Hex,
      boolean overwrite,
      LongConsumer progress,
      Runnable beforeCommit,
      TransferProgress transfer,
      Runnable heartbeat)
      throws IOException {
    int part = (int) Math.min(Integer.MAX_VALUE - 64, Math.max(partSize, ceilDiv(size, MAX_PARTS)));
    String uploadId = // no heartbeat between the answer and the record: it could lose the id
        HeartbeatingWait.callUncheckedToCompletion( // an id that arrives late is aborted
            () ->
                client
                    .createMultipartUpload(
                        b ->
                            b.bucket(target.bucket())
                                .key(target.key())
                                .contentType(CONTENT_TYPE)
                                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                                .metadata(Map.of(SHA256_METADATA, sha256Hex)))
                    .uploadId(),
            heartbeat,
            abandoned -> abortAbandoned(target, abandoned));
    log.info("multipart upload {} of {} bytes to {} in parts of {}", uploadId, size, target, part);
    Leftovers.Leftover recorded = leftover(target, uploadId);
    try {
      leftovers.record(recorded); // before any part: a later attempt finds what this one leaves
      heartbeat.run();
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buffer = new byte[part];
      long done = 0;
      try (InputStream in = Files.newInputStream(source)) {
        while (done < size) {
          int n = readPart(in, buffer, (int) Math.min(buffer.length, size - done), done, progress);
          if (n <= 0) throw new IOException(source + " shrank while it was being uploaded");
          parts.add(
              uploadPart(target, uploadId, parts.size() + 1, buffer, n, done, transfer, heartbeat));
          done += n;
        }
      }
      beforeCommit.run();
      call(
          () ->
              client.completeMultipartUpload(
                  b -> {
                    b.bucket(target.bucket())
                        .key(target.key())
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts));
                    if (!overwrite) b.ifNoneMatch("*");
                  }),
          heartbeat);
    } catch (Throwable t) {
      abort(recorded, t);
      throw t;
    }
    leftovers.forget(recorded);
  }

  /**
   * Reads up to {@code length} bytes into {@code buffer} in 4 MiB steps, reporting {@code before}
   * between them: reading a large part (parts grow with the file) keeps heartbeating.
   */
  private static int readPart(
      InputStream in, byte[] buffer, int length, long before, LongConsumer progress)
      throws IOException {
    int read = 0;
    while (read < length) {
      int n = in.readNBytes(buffer, read, Math.min(4 << 20, length - read));
      if (n <= 0) break;
      read += n;
      progress.accept(before);
    }
    return read;
  }

  private CompletedPart uploadPart(
      S3Location target,
      String uploadId,
      int number,
      byte[] buffer,
      int length,
      long before,
      TransferProgress transfer,
      Runnable heartbeat)
      throws IOException {
    MessageDigest digest = Sha256.newDigest();
    digest.update(buffer, 0, length);
    String checksum = base64(digest.digest());
    RequestBody body =
        RequestBody.fromContentProvider(
            () ->
                new ProgressInputStream(
                    new ByteArrayInputStream(buffer, 0, length), before, transfer),
            length,
            CONTENT_TYPE);
    UploadPartResponse response =
        call(
            () ->
                client.uploadPart(
                    b ->
                        b.bucket(target.bucket())
                            .key(target.key())
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength((long) length)
                            .checksumSHA256(checksum),
                    body),
            heartbeat);
    return CompletedPart.builder()
        .partNumber(number)
        .eTag(response.eTag())
        .checksumSHA256(checksum)
        .build();
  }

  /**
   * Aborts every pending multipart upload of {@code target}'s key. Only for a key that no other
   * pipeline run writes (its template holds {@code {runId}}): there it also catches an upload whose
   * {@code CreateMultipartUpload} answer an earlier attempt never received (a network partition),
   * which no record can hold. Call before this attempt creates its own. Best effort, like {@link
   * #abortRecordedUploads}.
   *
   * @param heartbeat called at least every {@link HeartbeatingWait#INTERVAL} while S3 answers
   */
  public void abortPendingUploadsOfRunOwnedKey(S3Location target, Runnable heartbeat)
      throws IOException {
    List<String> pending;
    try {
      pending =
          call(
              () ->
                  client
                      .listMultipartUploadsPaginator(
                          b -> b.bucket(target.bucket()).prefix(target.key()))
                      .uploads()
                      .stream()
                      .filter(u -> u.key().equals(target.key())) // not a longer key
                      .map(u -> u.uploadId())
                      .toList(),
              heartbeat);
    } catch (SdkException e) {
      log.warn("could not list the pending multipart uploads of {}: {}", target, e.toString());
      return;
    }
    for (String uploadId : pending) {
      if (abortLeftBehind(target, uploadId, heartbeat))
        leftovers.forget(leftover(target, uploadId));
    }
  }

  /**
   * Aborts an upload an earlier attempt left, heartbeating; true when it is aborted or gone already
   * (404), false (logged) when it could not be aborted now.
   */
  private boolean abortLeftBehind(S3Location target, String uploadId, Runnable heartbeat)
      throws IOException {
    try {
      call(
          () ->
              client.abortMultipartUpload(
                  b -> b.bucket(target.bucket()).key(target.key()).uploadId(uploadId)),
          heartbeat);
      log.info("aborted multipart upload {} to {} left by an earlier attempt", uploadId, target);
    } catch (SdkException e) {
      if (!S3Failures.hasStatus(e, 404)) {
        log.warn(
            "could not abort multipart upload {} to {} left by an earlier attempt (kept for the"
                + " next attempt): {}",
            uploadId,
            target,
            e.toString());
        return false;
      }
      log.info("multipart upload {} to {} is gone already", uploadId, target);
    }
    return true;
  }

  /** The leftover that stands for a multipart upload. */
  public static Leftovers.Leftover leftover(S3Location target, String uploadId) {
    return new Leftovers.Leftover(LEFTOVER_KIND, target.toString(), uploadId);
  }

  /** The target of a recorded upload: {@code s3://bucket/key} as {@link S3Location} writes it. */
  private static S3Location targetOf(Leftovers.Leftover upload) {
    String resource = upload.resource();
    int slash = resource.indexOf('/', "s3://".length());
    if (!resource.startsWith("s3://") || slash < 0 || slash == resource.length() - 1)
      throw new IllegalArgumentException("not s3://bucket/key");
    return new S3Location(
        resource.substring("s3://".length(), slash), resource.substring(slash + 1));
  }

  /**
   * Aborts an upload whose {@code CreateMultipartUpload} answer arrived after this attempt stopped
   * waiting for it (it was cancelled, or lost its session, meanwhile): it was never recorded, so no
   * later attempt would find it. Runs on the call's pool thread; best effort.
   */
  private void abortAbandoned(S3Location target, String uploadId) {
    try {
      client.abortMultipartUpload(
          b -> b.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
      log.info(
          "aborted multipart upload {} to {}, created after its attempt stopped", uploadId, target);
    } catch (RuntimeException e) {
      log.warn("could not abort multipart upload {} to {}: {}", uploadId, target, e.toString());
    }
  }

  /** Aborts our upload after a failure and forgets it; when that fails it stays recorded. */
  private void abort(Leftovers.Leftover upload, Throwable failure) {
    S3Location target = targetOf(upload);
    String uploadId = upload.id();
    try {
      try {
        client.abortMultipartUpload(
            b -> b.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
        log.info("aborted multipart upload {} to {} after a failure", uploadId, target);
      } catch (SdkException e) {
        if (!S3Failures.hasStatus(e, 404)) throw e; // 404: gone already (aborted by another party)
      }
      leftovers.forget(upload);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      log.warn("could not abort multipart upload {} to {}: {}", uploadId, target, e.toString());
    }
  }

  private static InputStream open(Path source) {
    try {
      return new java.io.BufferedInputStream(Files.newInputStream(source), Buffers.SIZE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
