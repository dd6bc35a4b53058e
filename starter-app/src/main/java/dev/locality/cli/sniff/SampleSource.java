package dev.locality.cli.sniff;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Opens what {@code locality sniff} reads: a local path, a {@code file:} URL, or an {@code http(s)}
 * URL streamed with the JDK's client (redirects followed; closing the stream early stops the
 * download, so a sample of a large remote file costs only the sample).
 */
public final class SampleSource {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private SampleSource() {}

  /**
   * Opens {@code location} for reading from its start.
   *
   * @throws IOException when it cannot be opened (missing file, HTTP status other than 2xx)
   */
  public static InputStream open(String location) throws IOException {
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) return openHttp(location);
    Path path;
    if (lower.startsWith("file:/")) path = Path.of(URI.create(location));
    else if (lower.startsWith("file:")) path = Path.of(location.substring("file:".length()));
    else path = Path.of(location);
    if (!Files.isRegularFile(path)) throw new NoSuchFileException(path + " is not a file");
    return Files.newInputStream(path);
  }

  private static InputStream openHttp(String url) throws IOException {
    HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to " + request.uri().getHost(), e);
    }
    if (response.statusCode() / 100 != 2) {
      response.body().close();
      throw new IOException("HTTP " + response.statusCode() + " from " + request.uri().getHost());
    }
    return response.body();
  }
}
