package dev.locality.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpOriginTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path root;

  @Test
  void servesFileBytesWithContentLength() throws Exception {
    byte[] content = new byte[100_000];
    for (int i = 0; i < content.length; i++) content[i] = (byte) (i * 31);
    Files.createDirectories(root.resolve("sub"));
    Files.write(root.resolve("sub/data.bin"), content);

    try (HttpOrigin origin = HttpOrigin.serve(root)) {
      HttpResponse<byte[]> response = get(origin.uri("sub/data.bin"));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Length")).contains("100000");
      assertThat(response.body()).isEqualTo(content);
      assertThat(origin.requests()).containsExactly("GET /sub/data.bin");
    }
  }

  @Test
  void answers404ForMissingFilesAndPathsOutsideTheRoot() throws Exception {
    Files.writeString(root.resolveSibling("secret.txt"), "outside");
    try (HttpOrigin origin = HttpOrigin.serve(root)) {
      assertThat(get(origin.uri("missing.csv")).statusCode()).isEqualTo(404);
      assertThat(get(origin.uri("..%2Fsecret.txt")).statusCode()).isEqualTo(404);
    } finally {
      Files.deleteIfExists(root.resolveSibling("secret.txt"));
    }
  }

  private HttpResponse<byte[]> get(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
