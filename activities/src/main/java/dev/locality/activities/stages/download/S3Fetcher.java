package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.HeartbeatingWait;
import dev.locality.activities.stages.internal.StallGuard;
import dev.locality.activities.stages.s3.S3Failures;
import dev.locality.activities.stages.s3.S3Location;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Downloads an S3 object into a {@link DownloadSink}: a HEAD gives the size (checked against the
 * worker's limit before any byte moves) and the ETag; a GET with {@code If-Match: <etag>} reads the
 * bytes, with {@code Range: bytes=<n>-} when a previous attempt left n bytes of the same ETag. A
 * changed object restarts from the first byte. Failures are classified by {@link S3Failures}; a
 * stall longer than the idle timeout, also while waiting for the HEAD's answer or the GET's first
 * byte, is transient.
 *
 * <p><b>Heartbeats:</b> the HEAD and the GET run on a helper thread while the stage's thread waits
 * for their answer, repeating the sink's progress every {@link HeartbeatingWait#INTERVAL}; a
 * heartbeat that throws (the stage was cancelled) abandons the request (a late response stream is
 * aborted) and propagates. Thread-safe (stateless apart from the shared client).
 */
final class S3Fetcher {
  private final S3Client client;
  private final Duration idleTimeout;
  private final Logger log;

  S3Fetcher(S3Client client, Duration idleTimeout, Logger log) {
    this.client = client;
    this.idleTimeout = idleTimeout;
    this.log = log;
  }

  void fetch(S3Location location, PartialDownload partial, DownloadSink sink) throws IOException {
    HeadObjectResponse head;
    try {
      head =
          waitFor(
              "HEAD",
              location,
              () -> client.headObject(b -> b.bucket(location.bucket()).key(location.key())),
              ignored -> {},
              sink);
    } catch (SdkException e) {
      throw S3Failures.badInputOr(e, "reading", location);
    }
    if (head.contentLength() == null) {
      throw new IOException("the store announced no size for " + location);
    }
    long total = head.contentLength();
    String etag = head.eTag();
    long offset = sink.size();
    if (offset > 0
        && (etag == null || !etag.equals(partial.etag().orElse(null)) || offset > total)) {
      log.info(
          "{} changed since the previous attempt; downloading it from the first byte", location);
      sink.restart();
      offset = 0;
    }
    if (offset == 0) partial.recordValidators(etag, null);
    else log.info("resuming {} at byte {} of {}", location, offset, total);
    sink.expectTotal(total);
    if (offset < total) read(location, etag, offset, sink);
    if (sink.size() != total) {
      throw new IOException(
          "have " + sink.size() + " bytes of " + location + " but its size is " + total);
    }
  }

  /**
   * Runs an SDK call on a helper thread and waits for its answer (at most the idle timeout),
   * heartbeating the sink's progress; see {@link HeartbeatingWait}. What the call threw is rethrown
   * unchanged ({@link SdkException}s for the caller to classify).
   */
  private <T> T waitFor(
      String what,
      S3Location location,
      Callable<T> call,
      Consumer<? super T> discard,
      DownloadSink sink)
      throws IOException {
    try {
      return HeartbeatingWait.call(call, idleTimeout, sink::keepAlive, discard);
    } catch (ExecutionException e) {
      throw HeartbeatingWait.rethrow(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "no response to "
              + what
              + " "
              + location
              + " for "
              + idleTimeout.toMillis()
              + " ms (stalled; will retry)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + location);
    }
  }

  private static void abort(ResponseInputStream<GetObjectResponse> body) {
    body.abort();
    try {
      body.close();
    } catch (IOException | RuntimeException e) {
      // aborted either way
    }
  }

  private void read(S3Location location, String etag, long offset, DownloadSink sink)
      throws IOException {
    GetObjectRequest.Builder request =
        GetObjectRequest.builder().bucket(location.bucket()).key(location.key());
    if (etag != null) request.ifMatch(etag);
    if (offset > 0) request.range("bytes=" + offset + "-");
    ResponseInputStream<GetObjectResponse> body;
    try {
      body =
          waitFor("GET", location, () -> client.getObject(request.build()), S3Fetcher::abort, sink);
    } catch (SdkException e) {
      if (S3Failures.hasStatus(e, 412)) {
        sink.restart();
        throw new IOException(location + " changed while it was being downloaded; will retry", e);
      }
      throw S3Failures.badInputOr(e, "reading", location);
    }
    long expected = body.response().contentLength() == null ? -1 : body.response().contentLength();
    long received = 0;
    byte[] buffer = new byte[Buffers.SIZE];
    boolean complete = false;
    try (StallGuard guard = StallGuard.start(body::abort, idleTimeout)) {
      while (true) {
        int n;
        try {
          n = body.read(buffer);
        } catch (IOException | SdkException e) {
          if (guard.stalled()) {
            throw new IOException(
                "no data from " + location + " for " + idleTimeout.toMillis() + " ms (stalled)", e);
          }
          throw new IOException(
              "reading " + location + " failed after " + received + " bytes: " + e, e);
        }
        if (n == -1) break;
        guard.progressed();
        sink.write(buffer, 0, n);
        received += n;
      }
      complete = true;
    } finally {
      if (!complete) body.abort(); // never drain the rest of a failed read
      body.close();
    }
    if (expected >= 0 && received != expected) {
      throw new IOException(
          "received " + received + " bytes of " + location + " but expected " + expected);
    }
  }
}
