package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.locality.activities.stages.TestTls;
import dev.locality.activities.stages.s3.S3TestServer;
import dev.locality.stage.BadInputException;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The download stage's bad-input corpus: every case must fail with {@link BadInputException} (the
 * non-retryable class: the pipeline fails at once) whose message names the problem and the source,
 * redacted (no userinfo, no query string: no {@value #SECRET} in the message, its causes or the
 * stage's log), within {@value #MAX_SECONDS_TO_FAIL} s, leaving nothing in the output directory nor
 * a partial download. Sources: a JDK HTTP server on 127.0.0.1 (also over TLS with a self-signed
 * certificate, {@link TestTls}), files under a temporary directory, an S3 API server (S3Proxy).
 * Failures that must be retried, not refused, are tested at the end.
 */
class DownloadCorpusTest {
  /** Every secret in the corpus' URLs contains this. */
  static final String SECRET = "s3cr3t";

  static final int MAX_SECONDS_TO_FAIL = 5;
  private static final String PRESIGNED =
      "?X-Amz-Signature=" + SECRET + "%2Fcd%3D&X-Amz-Credential=AK%2F2026";
  private static final byte[] BIG = randomBytes(50_000);
  private static final byte[] BODY = "id,name\n1,ada\n".getBytes(StandardCharsets.UTF_8);
  private static final String LOGGER = "dev.locality.stage";

  private static HttpServer server;
  private static HttpsServer tls;
  private static S3TestServer s3;
  private static final AtomicInteger lies = new AtomicInteger();

  @TempDir Path tmp;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  /**
   * One case: the url ({@code {http}} is the test origin, {@code {files}} a directory holding
   * {@code big.bin} of 50,000 bytes and a directory {@code dir}), options, worker settings, and
   * what the message must contain.
   */
  record Case(
      String name,
      String url,
      Map<String, Object> options,
      Map<String, String> settings,
      List<String> expected) {
    @Override
    public String toString() {
      return name;
    }

    Case with(String setting, String value) {
      Map<String, String> s = new LinkedHashMap<>(settings);
      s.put(setting, value);
      return new Case(name, url, options, s, expected);
    }

    Case option(String key, Object value) {
      Map<String, Object> o = new LinkedHashMap<>(options);
      o.put(key, value);
      return new Case(name, url, o, settings, expected);
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // redirects
        c("redirect loop", "{http}/loop-a", "redirect loop", "{http}/loop-a", "{http}/loop-b"),
        c("too many redirects", "{http}/chain/0", "more than 10 redirects", "{http}/chain/0"),
        c(
            "redirect from http to file:",
            "{http}/to-file",
            "not an http(s) URL",
            "'file:///etc/passwd'",
            "{http}/to-file"),
        c(
            "redirect from https to http",
            "{https}/to-http?sig=" + SECRET,
            "downgrades https to http",
            "{https}/to-http?***",
            "{http}/data.csv?***"),
        c("redirect without Location", "{http}/no-location", "without a Location"),
        c(
            "redirect to an invalid Location",
            "{http}/bad-location",
            "invalid location",
            "'http://exa mple.org/a b?***'"),
        c(
            "redirect to the metadata service",
            "{http}/to-metadata",
            "host '169.254.169.254'",
            "is refused"),
        // client errors
        c("HTTP 404", "{http}/missing.csv", "HTTP 404", "{http}/missing.csv"),
        c("HTTP 410", "{http}/gone.csv", "HTTP 410", "{http}/gone.csv"),
        c("HTTP 404 over https", "{https}/missing.csv", "HTTP 404", "{https}/missing.csv"),
        c("HTTP 403", "{http}/forbidden.csv", "HTTP 403", "{http}/forbidden.csv"),
        c(
            "userinfo URL that 401s",
            "http://alice:" + SECRET + "@127.0.0.1:{port}/private.csv",
            "HTTP 401",
            "http://***@127.0.0.1:{port}/private.csv"),
        c(
            "presigned redirect that 404s",
            "{http}/presign.csv?token=" + SECRET,
            "HTTP 404",
            "{http}/bucket/obj.csv?***",
            "redirected from {http}/presign.csv?***"),
        c(
                "denied host",
                "{http}/data.csv?sig=" + SECRET,
                "host '127.0.0.1'",
                "{http}/data.csv?***",
                "downloadDenyHosts")
            .with("downloadDenyHosts", "127.0.0.0/8"),
        // maxDownloadBytes on every scheme
        c(
                "maxDownloadBytes, http with Content-Length",
                "{http}/big.bin?sig=" + SECRET,
                "maxDownloadBytes",
                "10 KiB",
                "its size is 50000 bytes",
                "{http}/big.bin?***")
            .with("maxDownloadBytes", "10k"),
        c(
                "maxDownloadBytes, http without Content-Length",
                "{http}/chunked.bin?sig=" + SECRET,
                "maxDownloadBytes",
                "10 KiB",
                "grew beyond",
                "{http}/chunked.bin?***")
            .with("maxDownloadBytes", "10k"),
        c(
                "maxDownloadBytes, https with Content-Length",
                "{https}/big.bin?sig=" + SECRET,
                "maxDownloadBytes",
                "its size is 50000 bytes",
                "{https}/big.bin?***")
            .with("maxDownloadBytes", "10k"),
        c(
                "maxDownloadBytes, https without Content-Length",
                "{https}/chunked.bin?sig=" + SECRET,
                "maxDownloadBytes",
                "grew beyond",
                "{https}/chunked.bin?***")
            .with("maxDownloadBytes", "10k"),
        c(
                "maxDownloadBytes, file",
                "file://{files}/big.bin",
                "maxDownloadBytes",
                "10 KiB",
                "its size is 50000 bytes",
                "file://{files}/big.bin")
            .with("maxDownloadBytes", "10k"),
        // devices are always refused (a sizeless source is bounded like chunked https, above)
        c(
            "file under /dev (always refused)",
            "file:///dev/zero",
            "is under /dev, which is always refused",
            "file:///dev/zero"),
        c(
                "maxDownloadBytes, s3",
                "s3://source/data/big.bin",
                "maxDownloadBytes",
                "10 KiB",
                "its size is 50000 bytes",
                "s3://source/data/big.bin")
            .with("maxDownloadBytes", "10k"),
        // s3
        c(
            "s3 missing object",
            "s3://source/data/missing.bin",
            "404",
            "s3://source/data/missing.bin"),
        c("s3 missing bucket", "s3://no-such-bucket/x.bin", "s3://no-such-bucket/x.bin"),
        c(
            "s3 URL with credentials",
            "s3://AKIA:" + SECRET + "@source/data/big.bin",
            "contains credentials",
            "s3://***@source/data/big.bin"),
        // files
        c("file not found", "file://{files}/nope.csv", "not found", "{files}/nope.csv"),
        c("file is a directory", "file://{files}/dir", "is a directory", "{files}/dir"),
        c(
                "file outside the allowed roots",
                "file://{files}/big.bin",
                "is outside allowedFileRoots [/nonexistent]",
                "{files}/big.bin",
                "allowedFileRoots")
            .with("allowedFileRoots", "/nonexistent"),
        // the url option itself
        c("unsupported scheme", "ftp://bob:" + SECRET + "@example.org/x", "unsupported URL scheme"),
        c(
            "invalid URL",
            "http://bob:" + SECRET + "@exa mple.org/a b?sig=" + SECRET,
            "not a valid URL",
            "'http://***@exa mple.org/a b?***'"),
        c("http URL without a host", "http:///x.csv?sig=" + SECRET, "has no host name"),
        // content
        c(
                "SHA-256 mismatch",
                "{http}/data.csv?sig=" + SECRET,
                "SHA-256 mismatch",
                "{http}/data.csv?***",
                "expected " + "0".repeat(64))
            .option("sha256", "0".repeat(64)));
  }

  private static Case c(String name, String url, String... expected) {
    return new Case(name, url, Map.of(), Map.of(), List.of(expected));
  }

  @BeforeAll
  static void startSources() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    routes(server);
    server.start();
    tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tls.setHttpsConfigurator(TestTls.configurator());
    routes(tls);
    tls.createContext("/to-http", ex -> redirect(ex, url("/data.csv?sig=" + SECRET)));
    tls.start();
    s3 = S3TestServer.start();
    s3.createBucket("source");
    s3.admin().putObject(b -> b.bucket("source").key("data/big.bin"), RequestBody.fromBytes(BIG));
  }

  /** The same origin over http and https. */
  private static void routes(HttpServer server) {
    server.createContext("/loop-a", ex -> redirect(ex, "/loop-b"));
    server.createContext("/loop-b", ex -> redirect(ex, "/loop-a"));
    server.createContext(
        "/chain/",
        ex -> {
          int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/chain/".length()));
          redirect(ex, "/chain/" + (n + 1));
        });
    server.createContext("/to-file", ex -> redirect(ex, "file:///etc/passwd"));
    server.createContext("/no-location", ex -> respond(ex, 302, new byte[0]));
    server.createContext(
        "/bad-location", ex -> redirect(ex, "http://exa mple.org/a b?sig=" + SECRET));
    server.createContext("/to-metadata", ex -> redirect(ex, "http://169.254.169.254/latest/"));
    server.createContext("/missing.csv", ex -> respond(ex, 404, new byte[0]));
    server.createContext("/gone.csv", ex -> respond(ex, 410, new byte[0]));
    server.createContext("/forbidden.csv", ex -> respond(ex, 403, new byte[0]));
    server.createContext("/private.csv", ex -> respond(ex, 401, new byte[0]));
    server.createContext("/presign.csv", ex -> redirect(ex, "/bucket/obj.csv" + PRESIGNED));
    server.createContext("/bucket/", ex -> respond(ex, 404, new byte[0]));
    server.createContext("/big.bin", ex -> respond(ex, 200, BIG));
    server.createContext(
        "/chunked.bin",
        ex -> {
          ex.sendResponseHeaders(200, 0); // chunked: no Content-Length
          try (OutputStream out = ex.getResponseBody()) {
            out.write(BIG);
          } catch (IOException e) {
            // the client hung up at its limit
          }
        });
    server.createContext("/data.csv", ex -> respond(ex, 200, BODY));
    server.createContext("/empty.csv", ex -> respond(ex, 200, new byte[0]));
    server.createContext(
        "/lie.csv",
        ex -> {
          if (lies.incrementAndGet() > 1) {
            respond(ex, 200, BODY);
            return;
          }
          ex.sendResponseHeaders(200, 1000); // announces 1000 bytes, sends fewer, hangs up
          ex.getResponseBody().write(BODY);
          ex.getResponseBody().flush();
          ex.close();
        });
  }

  @AfterAll
  static void stopSources() throws Exception {
    server.stop(0);
    tls.stop(0);
    s3.close();
  }

  @BeforeEach
  void captureLogs() {
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    logger.setLevel(Level.DEBUG);
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsNamedRedactedFastAndLeavesNothingBehind(Case c) throws Exception {
    Path files = Files.createDirectories(tmp.resolve("files").toAbsolutePath());
    Files.write(files.resolve("big.bin"), BIG);
    Files.createDirectories(files.resolve("dir"));
    StageTestRunner runner =
        StageTestRunner.of(new DownloadStage(TestTls.context()), tmp)
            .option("url", expand(c.url(), files))
            .skippingValidation(); // the stage must refuse what validation would refuse first
    c.options().forEach(runner::option);
    s3.workerSettings().forEach(runner::workerSetting);
    c.settings().forEach(runner::workerSetting);

    long start = System.nanoTime();
    BadInputException error = runner.runExpectingBadInput(); // also: output directory empty
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    for (String expected : c.expected()) {
      assertThat(error.getMessage()).as("message of %s", c).contains(expand(expected, files));
    }
    assertNoSecretIn(error);
    assertThat(took)
        .as("time to fail of %s", c)
        .isLessThan(Duration.ofSeconds(MAX_SECONDS_TO_FAIL));
    assertThat(runner.resumeFiles()).as("partial downloads left by %s", c).isEmpty();
    System.out.printf("download corpus | %-50s | %5d ms%n", c.name(), took.toMillis());
  }

  @Test
  void theCorpusHasAtLeastTwentyCases() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(20);
  }

  @Test
  void aBodyShorterThanItsContentLengthIsRetriedNotBadInput() throws Exception {
    lies.set(0);
    var attempts =
        StageTestRunner.of(new DownloadStage(), tmp).option("url", url("/lie.csv?sig=" + SECRET));
    var first = attempts.runExpectingFailure(IOException.class);
    assertThat(first)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(BadInputException.class)
        .hasMessageContaining("failed after")
        .hasMessageContaining(url("/lie.csv?***"));
    assertNoSecretIn(first);
    attempts.run(); // fails the test unless the retry succeeds
    assertThat(attempts.outputDir().resolve("lie.csv")).hasBinaryContent(BODY);
    assertThat(attempts.resumeFiles()).isEmpty();
  }

  @Test
  void aRefusedConnectionIsTransientAndRedacted() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://carol:" + SECRET + "@127.0.0.1:" + port + "/x.csv?sig=" + SECRET;
    IOException error =
        StageTestRunner.of(new DownloadStage(), tmp)
            .option("url", url)
            .runExpectingFailure(IOException.class);
    assertThat(error)
        .isNotInstanceOf(BadInputException.class)
        .hasMessageContaining("http://***@127.0.0.1:" + port + "/x.csv?***")
        .hasMessageContaining("ConnectException");
    assertNoSecretIn(error);
  }

  @Test
  void anEmptyFileIsAValidDownload() throws Exception {
    var run = StageTestRunner.of(new DownloadStage(), tmp).option("url", url("/empty.csv")).run();
    assertThat(run.file("empty.csv")).isEmptyFile();
    Path empty = Files.createFile(tmp.resolve("empty.txt")).toAbsolutePath();
    var local =
        StageTestRunner.of(new DownloadStage(), tmp.resolve("b"))
            .option("url", empty.toUri().toString())
            .run();
    assertThat(local.file("empty.txt")).isEmptyFile();
  }

  @Test
  void aFileExactlyAtTheLimitIsAccepted() throws Exception {
    Path file = Files.write(tmp.resolve("exact.bin"), BIG).toAbsolutePath();
    var run =
        StageTestRunner.of(new DownloadStage(), tmp)
            .option("url", file.toUri().toString())
            .workerSetting("maxDownloadBytes", String.valueOf(BIG.length))
            .run();
    assertThat(run.file("exact.bin")).hasBinaryContent(BIG);
    var http =
        StageTestRunner.of(new DownloadStage(), tmp.resolve("b"))
            .option("url", url("/chunked.bin"))
            .workerSetting("maxDownloadBytes", String.valueOf(BIG.length))
            .run();
    assertThat(http.file("chunked.bin")).hasBinaryContent(BIG);
    var https =
        StageTestRunner.of(new DownloadStage(TestTls.context()), tmp.resolve("c"))
            .option("url", "https://127.0.0.1:" + tls.getAddress().getPort() + "/big.bin")
            .workerSetting("maxDownloadBytes", String.valueOf(BIG.length))
            .run();
    assertThat(https.file("big.bin")).hasBinaryContent(BIG);
  }

  private void assertNoSecretIn(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).as("failure and its causes").doesNotContain(SECRET);
    List<String> logged = new ArrayList<>();
    for (ILoggingEvent event : logs.list) logged.add(event.getFormattedMessage());
    assertThat(logged).as("the stage's log").noneMatch(line -> line.contains(SECRET));
  }

  private static String expand(String template, Path files) {
    int port = server.getAddress().getPort();
    return template
        .replace("{https}", "https://127.0.0.1:" + tls.getAddress().getPort())
        .replace("{http}", "http://127.0.0.1:" + port)
        .replace("{port}", String.valueOf(port))
        .replace("{files}", files.toString());
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
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

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(3).nextBytes(bytes);
    return bytes;
  }
}
