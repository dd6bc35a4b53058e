package dev.locality.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  @Test
  void failNextAnswersTheStatusThatManyTimesThenServesTheFile() throws Exception {
    Files.writeString(root.resolve("flaky.csv"), "a,b\n");
    try (HttpOrigin origin = HttpOrigin.serve(root)) {
      origin.failNext("flaky.csv", 500, 2);

      assertThat(get(origin.uri("flaky.csv")).statusCode()).isEqualTo(500);
      assertThat(get(origin.uri("flaky.csv")).statusCode()).isEqualTo(500);
      HttpResponse<byte[]> third = get(origin.uri("flaky.csv"));
      assertThat(third.statusCode()).isEqualTo(200);
      assertThat(new String(third.body(), StandardCharsets.UTF_8)).isEqualTo("a,b\n");
      assertThat(origin.gets("flaky.csv")).isEqualTo(3);
    }
  }

  @Test
  void failAlwaysNeverServesTheFile() throws Exception {
    Files.writeString(root.resolve("broken.csv"), "a,b\n");
    try (HttpOrigin origin = HttpOrigin.serve(root)) {
      origin.failAlways("broken.csv", 503);
      for (int i = 0; i < 3; i++) {
        assertThat(get(origin.uri("broken.csv")).statusCode()).isEqualTo(503);
      }
      assertThat(get(origin.uri("other.csv")).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void throttleSpreadsTheBodyOverTheGivenTime() throws Exception {
    byte[] content = new byte[10_000];
    Files.write(root.resolve("slow.bin"), content);
    try (HttpOrigin origin = HttpOrigin.serve(root)) {
      origin.throttle("slow.bin", Duration.ofMillis(600));
      long start = System.nanoTime();
      HttpResponse<byte[]> response = get(origin.uri("slow.bin"));
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response.body()).isEqualTo(content);
      assertThat(millis).isGreaterThanOrEqualTo(500);
    }
  }

  @Test
  void releaseSendsTheRestOfABodyBeingTrickled() throws Exception {
    byte[] content = new byte[10_000];
    java.util.Arrays.fill(content, (byte) 'x');
    Files.write(root.resolve("held.bin"), content);
    try (HttpOrigin origin = HttpOrigin.serve(root)) {
      origin.throttle("held.bin", Duration.ofSeconds(60));
      long start = System.nanoTime();
      var pending =
          http.sendAsync(
              HttpRequest.newBuilder(origin.uri("held.bin")).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      Thread.sleep(300);
      assertThat(pending).isNotDone();
      origin.release("held.bin");
      HttpResponse<byte[]> response = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response.body()).isEqualTo(content);
      // 60 s throttled; released after 300 ms, the rest goes at once (one slice interval later)
      assertThat(millis).isLessThan(10_000);
      assertThat(get(origin.uri("held.bin")).body())
          .as("later GETs unthrottled")
          .isEqualTo(content);
    }
  }

  private HttpResponse<byte[]> get(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
