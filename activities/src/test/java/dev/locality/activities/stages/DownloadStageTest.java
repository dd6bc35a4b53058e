package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.api.stage.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadStageTest {
  private static final byte[] BODY = "id,name\n1,ada\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/data/people.csv", ex -> respond(ex, 200, BODY));
    server.createContext("/missing", ex -> respond(ex, 404, new byte[0]));
    server.createContext("/broken", ex -> respond(ex, 500, new byte[0]));
    server.createContext("/busy", ex -> respond(ex, 429, new byte[0]));
    server.createContext(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", "/data/people.csv");
          respond(ex, 302, new byte[0]);
        });
    server.createContext(
        "/short",
        ex -> {
          ex.sendResponseHeaders(200, 1000);
          ex.getResponseBody().write(BODY);
          ex.getResponseBody().flush();
          ex.close(); // short of the announced length: the connection is cut
        });
    server.createContext(
        "/stall",
        ex -> {
          ex.sendResponseHeaders(200, 1000);
          ex.getResponseBody().write(BODY);
          ex.getResponseBody().flush();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.createContext("/", ex -> respond(ex, 200, BODY));
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private StageTestRunner download(String url) {
    return StageTestRunner.of(new DownloadStage(), tmp).option("url", url);
  }

  @Test
  void downloadsOverHttpVerifyingTheChecksum() throws Exception {
    var run = download(url("/data/people.csv")).option("sha256", sha256(BODY)).run();
    assertThat(run.outputNames()).containsExactly("people.csv");
    assertThat(run.file("people.csv")).hasBinaryContent(BODY);
    assertThat(run.metrics().bytesIn()).isEqualTo(BODY.length);
    assertThat(run.heartbeats()).last().isEqualTo(Progress.bytes(BODY.length, BODY.length));
  }

  @Test
  void followsRedirectsAndNamesAPathlessDownload() throws Exception {
    assertThat(download(url("/moved")).run().outputNames()).containsExactly("moved");
    assertThat(
            StageTestRunner.of(new DownloadStage(), tmp.resolve("b"))
                .option("url", url("/"))
                .run()
                .outputNames())
        .containsExactly("download");
  }

  @Test
  void notFoundIsBadInputNamingStatusAndUrl() throws Exception {
    var error = download(url("/missing")).runExpectingBadInput();
    assertThat(error).hasMessageContaining("HTTP 404").hasMessageContaining(url("/missing"));
  }

  @Test
  void serverErrorsAndTooManyRequestsAreTransient() throws Exception {
    var error = download(url("/broken")).runExpectingFailure(IOException.class);
    assertThat(error).hasMessageContaining("HTTP 500").hasMessageContaining(url("/broken"));
    assertThat(download(url("/busy")).runExpectingFailure(IOException.class))
        .hasMessageContaining("HTTP 429");
  }

  @Test
  void bodyShorterThanContentLengthIsTransient() throws Exception {
    download(url("/short")).runExpectingFailure(IOException.class);
  }

  @Test
  void stalledServerIsTransientAfterTheIdleTimeout() throws Exception {
    var error =
        download(url("/stall"))
            .option("idleTimeout", "300ms")
            .runExpectingFailure(IOException.class);
    assertThat(error).hasMessageContaining("no data from").hasMessageContaining("/stall");
  }

  @Test
  void checksumMismatchIsBadInputNamingBothSums() throws Exception {
    String wrong = "0".repeat(64);
    var error = download(url("/data/people.csv")).option("sha256", wrong).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("expected " + wrong)
        .hasMessageContaining("actual " + sha256(BODY));
  }

  @Test
  void copiesFileUrlsInsideTheAllowedRoots() throws Exception {
    Path source =
        Files.write(Files.createDirectories(tmp.resolve("allowed")).resolve("x.csv"), BODY);
    var run =
        download(source.toUri().toString())
            .workerSetting("allowedFileRoots", "/nonexistent," + tmp.resolve("allowed"))
            .run();
    assertThat(run.file("x.csv")).hasBinaryContent(BODY);
  }

  @Test
  void fileUrlOutsideTheAllowedRootsIsBadInput() throws Exception {
    Path source = Files.write(tmp.resolve("secret.csv"), BODY);
    var error =
        download(source.toUri().toString())
            .workerSetting("allowedFileRoots", tmp.resolve("allowed").toString())
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining(source.toString())
        .hasMessageContaining("allowedFileRoots");
  }

  @Test
  void missingLocalFileIsBadInputNamingThePath() throws Exception {
    Path missing = tmp.resolve("nope.csv");
    var error = download(missing.toUri().toString()).runExpectingBadInput();
    assertThat(error).hasMessageContaining("not found").hasMessageContaining(missing.toString());
  }

  @Test
  void unsupportedSchemeIsAProblemAndBadInput() throws Exception {
    assertThat(download("ftp://example.org/x").validate())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("url");
              assertThat(p.message()).contains("ftp");
            });
    assertThat(download("ftp://example.org/x").runExpectingBadInput()).hasMessageContaining("url");
  }

  @Test
  void malformedChecksumIsAProblem() {
    assertThat(download(url("/x")).option("sha256", "abc").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("sha256"));
  }

  private static String sha256(byte[] data) {
    var digest = Sha256.newDigest();
    digest.update(data);
    return Sha256.hex(digest);
  }
}
