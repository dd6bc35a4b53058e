package dev.locality.activities.stages;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.StallGuard;
import dev.locality.api.stage.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * Streams an http(s) URL's body into a stream and classifies failures: a client error (4xx other
 * than 408 and 429) is bad input; server errors, 408, 429, cut-short bodies and stalls are
 * transient {@link IOException}s. Thread-safe (the {@link HttpClient} is shared).
 */
final class HttpFetcher {
  private final HttpClient client;
  private final Duration idleTimeout;

  HttpFetcher(HttpClient client, Duration idleTimeout) {
    this.client = client;
    this.idleTimeout = idleTimeout;
  }

  /**
   * Downloads {@code uri} into {@code out}.
   *
   * @param onLength receives the announced Content-Length (or -1) before any body byte
   * @param progress called with the bytes received so far after every buffer
   * @return bytes received
   * @throws BadInputException for a client error status
   * @throws IOException for a server error, 408, 429, a short body or a stall (retryable)
   */
  long fetch(
      URI uri, OutputStream out, MessageDigest digest, LongConsumer onLength, LongConsumer progress)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .GET()
            .timeout(idleTimeout)
            .header("User-Agent", "locality-download")
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      checkStatus(response.statusCode(), uri);
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      onLength.accept(length);
      long received = copy(body, out, digest, progress, uri);
      if (length >= 0 && received != length) {
        throw new IOException(
            "received "
                + received
                + " bytes from "
                + uri
                + " but Content-Length announced "
                + length
                + " (connection cut short?)");
      }
      return received;
    }
  }

  private long copy(
      InputStream body, OutputStream out, MessageDigest digest, LongConsumer progress, URI uri)
      throws IOException {
    byte[] buffer = new byte[Buffers.SIZE];
    long total = 0;
    try (StallGuard guard = StallGuard.start(body, idleTimeout)) {
      int n;
      while (true) {
        try {
          n = body.read(buffer);
        } catch (IOException e) {
          if (guard.stalled()) throw stalled(uri, total, e);
          throw e;
        }
        if (n == -1) break;
        guard.progressed();
        out.write(buffer, 0, n);
        digest.update(buffer, 0, n);
        total += n;
        progress.accept(total);
      }
    }
    return total;
  }

  private IOException stalled(URI uri, long received, IOException cause) {
    return new IOException(
        "no data from "
            + uri
            + " for "
            + idleTimeout.toMillis()
            + " ms after "
            + received
            + " bytes (stalled server or network)",
        cause);
  }

  static void checkStatus(int status, URI uri) throws IOException {
    if (status >= 200 && status < 300) return;
    if (status == 408 || status == 429 || status >= 500) {
      throw new IOException("HTTP " + status + " from " + uri + " (transient; will retry)");
    }
    if (status >= 400) {
      throw new BadInputException("HTTP " + status + " from " + uri + " (client error)");
    }
    throw new BadInputException("unexpected HTTP status " + status + " from " + uri);
  }
}
