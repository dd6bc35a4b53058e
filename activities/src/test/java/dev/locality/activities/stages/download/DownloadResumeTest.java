package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.s3.S3Settings;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Progress;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retried download resumes where the previous attempt's connection was cut, run through the stage
 * test kit as attempt 1 and then attempt 2 of the same session (the partial file lives in the
 * session directory). The origin cuts its first response mid-body and records every request's
 * headers; the second request must carry {@code Range: bytes=<n>-} with {@code If-Range} (HTTP) or
 * {@code If-Match} (S3) holding the validator of the first response, and the output must be the
 * origin's bytes.
 */
class DownloadResumeTest {
  private static final byte[] DATA = randomBytes(300_000);
  private static final int CUT_AT = 120_000;
  private static final String ETAG = "\"v1-abc\"";
  private static final String LAST_MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  @TempDir Path tmp;
  private HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  /** What the origin received. */
  record Request(String method, String target, String range, String ifRange, String ifMatch) {}

  @BeforeEach
  void startOrigin() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/etag/", ex -> serve(ex, Map.of("ETag", ETAG)));
    server.createContext("/lastmod/", ex -> serve(ex, Map.of("Last-Modified", LAST_MODIFIED)));
    server.createContext(
        "/weak/", ex -> serve(ex, Map.of("ETag", "W/\"weak\"", "Last-Modified", LAST_MODIFIED)));
    // path-style S3: HEAD and GET of one object, with S3's conditional headers
    server.createContext("/source/", ex -> serve(ex, Map.of("ETag", ETAG)));
    server.start();
  }

  @AfterEach
  void stopOrigin() {
    server.stop(0);
  }

  /**
   * Serves {@link #DATA} with these validators: the first GET gets a 200 cut after {@link #CUT_AT}
   * bytes; a ranged GET whose If-Range or If-Match equals a validator gets the rest as a 206.
   */
  private void serve(HttpExchange ex, Map<String, String> validators) throws IOException {
    var h = ex.getRequestHeaders();
    Request request =
        new Request(
            ex.getRequestMethod(),
            ex.getRequestURI().toString(),
            h.getFirst("Range"),
            h.getFirst("If-Range"),
            h.getFirst("If-Match"));
    requests.add(request);
    validators.forEach(ex.getResponseHeaders()::add);
    if (request.method().equals("HEAD")) {
      ex.getResponseHeaders().add("Content-Length", String.valueOf(DATA.length));
      ex.sendResponseHeaders(200, -1);
      ex.close();
      return;
    }
    boolean first = requests.stream().filter(r -> r.method().equals("GET")).count() == 1;
    Matcher range = request.range() == null ? null : RANGE.matcher(request.range());
    String condition = request.ifRange() != null ? request.ifRange() : request.ifMatch();
    if (range != null && range.matches() && validators.containsValue(condition)) {
      int from = Integer.parseInt(range.group(1));
      ex.getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + (DATA.length - 1) + "/" + DATA.length);
      ex.sendResponseHeaders(206, DATA.length - from);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(DATA, from, DATA.length - from);
      }
      return;
    }
    ex.sendResponseHeaders(200, DATA.length);
    OutputStream out = ex.getResponseBody();
    if (first) {
      out.write(DATA, 0, CUT_AT);
      out.flush();
      ex.close(); // the connection is cut mid-body
      return;
    }
    out.write(DATA);
    out.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void httpResumesWithRangeAndIfRangeHoldingTheEtag() throws Exception {
    resumes(url("/etag/data.bin?X-Sig=ab%2Fcd"), Map.of(), ETAG);
  }

  @Test
  void httpResumesWithIfRangeHoldingLastModifiedWithoutAStrongEtag() throws Exception {
    resumes(url("/lastmod/data.bin"), Map.of(), LAST_MODIFIED);
  }

  @Test
  void aWeakEtagIsNeverUsedAsAValidator() throws Exception {
    resumes(url("/weak/data.bin"), Map.of(), LAST_MODIFIED);
  }

  @Test
  void s3ResumesWithARangedGetConditionedOnTheEtag() throws Exception {
    // the fake origin checks no signature; keep whatever an S3Proxy test in this JVM has set
    if (System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "test-key");
      System.setProperty("aws.secretAccessKey", "test-secret");
    }
    Map<String, String> s3 =
        Map.of(
            S3Settings.ENDPOINT.name(), url(""),
            S3Settings.PATH_STYLE.name(), "true",
            S3Settings.REGION.name(), "us-east-1");
    resumes("s3://source/data/data.bin", s3, ETAG);
  }

  private void resumes(String url, Map<String, String> settings, String validator)
      throws Exception {
    StageTestRunner first = runner(url, settings);
    IOException cut = first.runExpectingFailure(IOException.class);
    assertThat(cut).isNotInstanceOf(BadInputException.class);
    long kept = partialBytes(first);
    assertThat(kept).isPositive().isLessThanOrEqualTo(CUT_AT); // what arrived before the cut

    var second = runner(url, settings).retryOf(2, Progress.bytes(kept, DATA.length)).run();

    List<Request> gets = requests.stream().filter(r -> r.method().equals("GET")).toList();
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0).range()).isNull();
    assertThat(gets.get(1).range()).isEqualTo("bytes=" + kept + "-");
    if (url.startsWith("s3:")) {
      assertThat(gets.get(0).ifMatch()).isEqualTo(validator);
      assertThat(gets.get(1).ifMatch()).isEqualTo(validator);
    } else {
      assertThat(gets.get(0).ifRange()).isNull();
      assertThat(gets.get(1).ifRange()).isEqualTo(validator);
      assertThat(gets.get(1).target()).isEqualTo(gets.get(0).target()); // raw, both times
    }
    assertThat(second.file("data.bin")).hasBinaryContent(DATA);
    assertThat(second.metrics().bytesIn()).isEqualTo(DATA.length - kept);
    assertThat(second.metrics().bytesOut()).isEqualTo(DATA.length);
    assertThat(second.outputs().get(0).sha256()).isEqualTo(sha256(DATA));
    assertThat(first.resumeFiles()).isEmpty();
  }

  private StageTestRunner runner(String url, Map<String, String> settings) {
    StageTestRunner runner =
        StageTestRunner.of(new DownloadStage(), tmp)
            .option("url", url)
            .option("sha256", sha256(DATA));
    settings.forEach(runner::workerSetting);
    return runner;
  }

  private static long partialBytes(StageTestRunner run) throws IOException {
    Path part =
        run.resumeFiles().stream()
            .filter(p -> p.toString().endsWith(".part"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the cut attempt left no partial file"));
    return Files.size(part);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(11).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] data) {
    var digest = Sha256.newDigest();
    digest.update(data);
    return Sha256.hex(digest);
  }
}
