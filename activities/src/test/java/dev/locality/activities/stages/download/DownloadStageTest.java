package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.activities.stages.TestFiles;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.stage.Progress;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadStageTest {
  private static final byte[] BODY = "id,name\n1,ada\n".getBytes(StandardCharsets.UTF_8);

  private static final byte[] BIG = randomBytes(300_000);
  private static final String ETAG = "\"v1\"";

  @TempDir Path tmp;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger hits = new AtomicInteger();
  private final List<String> ranges = new CopyOnWriteArrayList<>();

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
    server.createContext(
        "/flaky", ex -> respond(ex, hits.incrementAndGet() == 1 ? 500 : 200, BODY));
    server.createContext("/big.bin", ex -> serveRanges(ex, true));
    server.createContext("/norange.bin", ex -> serveRanges(ex, false));
    server.createContext("/loop-a", ex -> redirect(ex, "/loop-b"));
    server.createContext("/loop-b", ex -> redirect(ex, "/loop-a"));
    server.createContext(
        "/chain/",
        ex -> {
          int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/chain/".length()));
          redirect(ex, "/chain/" + (n + 1));
        });
    server.createContext("/to-metadata", ex -> redirect(ex, "http://169.254.169.254/latest/"));
    server.createContext(
        "/endless",
        ex -> {
          ex.sendResponseHeaders(200, 0); // chunked: no Content-Length announced
          try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < 200; i++) out.write(BODY);
          } catch (IOException e) {
            // the client hung up after its limit: expected
          }
        });
    server.createContext("/", ex -> respond(ex, 200, BODY));
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  /**
   * Serves {@link #BIG} with an ETag: the first request without a Range gets half the body and a
   * cut connection; later ones get the whole file, or with {@code honourRanges} the range asked for
   * when If-Range matches.
   */
  private void serveRanges(HttpExchange ex, boolean honourRanges) throws IOException {
    String range = ex.getRequestHeaders().getFirst("Range");
    ranges.add(
        range == null ? "none" : range + " if " + ex.getRequestHeaders().getFirst("If-Range"));
    ex.getResponseHeaders().add("ETag", ETAG);
    if (range == null && hits.incrementAndGet() == 1) {
      ex.sendResponseHeaders(200, BIG.length);
      OutputStream out = ex.getResponseBody();
      out.write(BIG, 0, BIG.length / 2);
      out.flush();
      ex.close(); // the connection is cut mid-body
      return;
    }
    if (honourRanges && range != null && ETAG.equals(ex.getRequestHeaders().getFirst("If-Range"))) {
      int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      ex.getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + (BIG.length - 1) + "/" + BIG.length);
      ex.sendResponseHeaders(206, BIG.length - from);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(BIG, from, BIG.length - from);
      }
      return;
    }
    respond(ex, 200, BIG);
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().add("Location", location);
    respond(ex, 302, new byte[0]);
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
    assertNoPartialFiles();
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
    var error = download(url("/short")).runExpectingFailure(IOException.class);
    assertThat(error.getMessage()).contains(url("/short"));
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
    assertNoPartialFiles();
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
    assertThat(download("ftp://example.org/x").skippingValidation().runExpectingBadInput())
        .hasMessageContaining("url");
  }

  @Test
  void malformedChecksumIsAProblem() {
    assertThat(download(url("/x")).option("sha256", "abc").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("sha256"));
  }

  @Test
  void serverErrorThenSuccessOnTheRetry() throws Exception {
    var attempts = StageTestRunner.of(new DownloadStage(), tmp).option("url", url("/flaky"));
    var first = attempts.runExpectingFailure(IOException.class);
    assertThat(first).isInstanceOf(IOException.class).hasMessageContaining("HTTP 500");
    attempts.run(); // fails the test unless the retry succeeds
    assertThat(attempts.outputDir().resolve("flaky")).hasBinaryContent(BODY);
    assertThat(attempts.resumeFiles()).isEmpty();
  }

  @Test
  void connectionCutMidBodyIsRetriedAndResumedWithARangeRequest() throws Exception {
    var attempts =
        StageTestRunner.of(new DownloadStage(), tmp)
            .option("url", url("/big.bin"))
            .option("sha256", sha256(BIG));
    var first = attempts.runExpectingFailure(IOException.class);
    assertThat(first).isInstanceOf(IOException.class);
    assertThat(attempts.outputDir()).doesNotExist();
    Path part =
        attempts.resumeFiles().stream()
            .filter(p -> p.toString().endsWith(".part"))
            .findFirst()
            .orElseThrow();
    long kept = Files.size(part);
    assertThat(kept).isPositive().isLessThan(BIG.length);

    var second = attempts.run(); // fails the test unless the retry succeeds
    assertThat(attempts.outputDir().resolve("big.bin")).hasBinaryContent(BIG);
    assertThat(ranges).containsExactly("none", "bytes=" + kept + "- if " + ETAG);
    assertThat(second.result().metrics().bytesIn()).isEqualTo(BIG.length - kept);
    assertThat(second.result().metrics().bytesOut()).isEqualTo(BIG.length);
    assertThat(second.result().outputs().get(0).sha256()).isEqualTo(sha256(BIG));
    assertThat(second.heartbeats()).last().isEqualTo(Progress.bytes(BIG.length, BIG.length));
    assertThat(attempts.resumeFiles()).isEmpty();
  }

  @Test
  void serverIgnoringTheRangeRestartsFromTheFirstByte() throws Exception {
    var attempts =
        StageTestRunner.of(new DownloadStage(), tmp)
            .option("url", url("/norange.bin"))
            .option("sha256", sha256(BIG));
    assertThat(attempts.runExpectingFailure(IOException.class)).isInstanceOf(IOException.class);
    var second = attempts.run(); // fails the test unless the retry succeeds
    assertThat(ranges).hasSize(2).element(1).asString().startsWith("bytes=");
    assertThat(attempts.outputDir().resolve("norange.bin")).hasBinaryContent(BIG);
    assertThat(second.result().metrics().bytesIn()).isEqualTo(BIG.length);
  }

  @Test
  void aFirstAttemptNeverResumesLeftovers() throws Exception {
    var attempts = StageTestRunner.of(new DownloadStage(), tmp).option("url", url("/big.bin"));
    assertThat(attempts.runExpectingFailure(IOException.class)).isInstanceOf(IOException.class);
    var fresh = StageTestRunner.of(new DownloadStage(), tmp).option("url", url("/big.bin")).run();
    assertThat(fresh.file("big.bin")).hasBinaryContent(BIG);
    assertThat(ranges).containsExactly("none", "none");
  }

  @Test
  void redirectLoopIsBadInputNamingTheUrls() throws Exception {
    var error = download(url("/loop-a")).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("redirect loop")
        .hasMessageContaining(url("/loop-a"))
        .hasMessageContaining(url("/loop-b"));
    assertNoPartialFiles();
  }

  @Test
  void tooManyRedirectsIsBadInput() throws Exception {
    var error = download(url("/chain/0")).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("more than " + HttpFetcher.MAX_REDIRECTS + " redirects")
        .hasMessageContaining(url("/chain/0"));
    assertNoPartialFiles();
  }

  @Test
  void cloudMetadataAddressesAreRefusedByDefault() throws Exception {
    for (String url :
        List.of(
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://[fe80::1]/x")) {
      var error =
          StageTestRunner.of(new DownloadStage(), tmp.resolve(String.valueOf(url.hashCode())))
              .option("url", url)
              .runExpectingBadInput();
      assertThat(error).hasMessageContaining("is refused").hasMessageContaining(url);
    }
    var error = download("http://169.254.169.254/latest/").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("host '169.254.169.254'")
        .hasMessageContaining("local-host or cloud metadata address");
    assertNoPartialFiles();
  }

  @Test
  void redirectToTheMetadataServiceIsRefused() throws Exception {
    var error = download(url("/to-metadata")).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("host '169.254.169.254'")
        .hasMessageContaining("http://169.254.169.254/latest/");
    assertNoPartialFiles();
  }

  @Test
  void deniedCidrIsRefusedNamingHostAndRule() throws Exception {
    var error =
        download(url("/data/people.csv"))
            .workerSetting("downloadDenyHosts", "10.0.0.0/8, 127.0.0.0/8")
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("host '127.0.0.1'")
        .hasMessageContaining("127.0.0.0/8")
        .hasMessageContaining("downloadDenyHosts");
    assertNoPartialFiles();
  }

  @Test
  void hostsOutsideTheAllowListAreRefused() throws Exception {
    var error =
        download(url("/data/people.csv"))
            .workerSetting("downloadAllowHosts", "*.example.org")
            .runExpectingBadInput();
    assertThat(error).hasMessageContaining("127.0.0.1").hasMessageContaining("downloadAllowHosts");
    var run =
        StageTestRunner.of(new DownloadStage(), tmp.resolve("allowed"))
            .option("url", url("/data/people.csv"))
            .workerSetting("downloadAllowHosts", "*.example.org,127.0.0.1/32")
            .run();
    assertThat(run.file("people.csv")).hasBinaryContent(BODY);
  }

  @Test
  void fileLargerThanTheLimitIsBadInputBeforeTheTransfer() throws Exception {
    var error =
        download(url("/data/people.csv"))
            .workerSetting("maxDownloadBytes", "10")
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("maxDownloadBytes")
        .hasMessageContaining("10 bytes")
        .hasMessageContaining("its size is " + BODY.length);
    assertNoPartialFiles();
  }

  @Test
  void bodyGrowingBeyondTheLimitIsBadInputWhileStreaming() throws Exception {
    var error =
        download(url("/endless")).workerSetting("maxDownloadBytes", "1k").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("maxDownloadBytes")
        .hasMessageContaining("1 KiB")
        .hasMessageContaining("grew beyond");
    assertNoPartialFiles();
  }

  @Test
  void s3UrlsAreAcceptedAndCheckedByValidation() {
    assertThat(download("s3://my-bucket/data/x.csv").validate()).isEmpty();
    assertThat(download("s3://Bad_Bucket/x.csv").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("bucket name"));
    assertThat(download("s3://key:secret@my-bucket/x.csv").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("credentials"));
    assertThat(download("s3://my-bucket/").validate()).hasSize(1);
  }

  private void assertNoPartialFiles() throws IOException {
    assertThat(TestFiles.filesIn(tmp.resolve("session/1-download")))
        .as("partial downloads left behind")
        .isEmpty();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] data) {
    var digest = Sha256.newDigest();
    digest.update(data);
    return Sha256.hex(digest);
  }
}
