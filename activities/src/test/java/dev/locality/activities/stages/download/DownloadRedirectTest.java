package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Redirects keep the URL byte for byte: the origin records the raw request target (path and query
 * exactly as on the request line) and serves it back as the body, so both what the server saw and
 * the downloaded bytes are checked.
 */
class DownloadRedirectTest {
  private static final String PRESIGNED = "?X-Amz-Signature=ab%2Fcd%3D&X-Amz-Credential=AK%2F2026";

  @TempDir Path tmp;
  private HttpServer server;
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String target = ex.getRequestURI().toString(); // parsed from the request line, never decoded
    seen.add(target);
    String location = redirects.get(target);
    if (location != null) {
      ex.getResponseHeaders().add("Location", location.replace("{origin}", origin()));
      ex.sendResponseHeaders(302, -1);
      ex.close();
      return;
    }
    byte[] body = served(target);
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] served(String target) {
    return ("served " + target + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // start path | Location | raw target the origin must see
        "/r/1/start.csv | /data/a%20b.csv?X-Sig=ab%2Fcd | /data/a%20b.csv?X-Sig=ab%2Fcd",
        "/r/2/start.csv | /data/a+b%2Fc%25d.csv | /data/a+b%2Fc%25d.csv",
        "/r/3/start.csv | /data/obj.csv" + PRESIGNED + " | /data/obj.csv" + PRESIGNED,
        "/r/4/start.csv | {origin}/abs/a%20b.csv" + PRESIGNED + " | /abs/a%20b.csv" + PRESIGNED,
        "/r/5/start.csv | sub/a%20b.csv?q=1%2B2+3 | /r/5/sub/a%20b.csv?q=1%2B2+3",
        "/r/6/start.csv | ../up/a%2Fb.csv | /r/up/a%2Fb.csv",
        "/r/7/start.csv?old=1 | ?X-Sig=ab%2Fcd | /r/7/start.csv?X-Sig=ab%2Fcd",
        "/r/8/start.csv | /frag/a%20b.csv?s=%2F#part%20two | /frag/a%20b.csv?s=%2F",
      })
  void followsTheLocationByteForByte(String start, String location, String expected)
      throws Exception {
    redirects.put(start, location);
    var run = download(origin() + start).run();
    assertThat(seen).containsExactly(start, expected);
    assertThat(run.outputNames()).containsExactly("start.csv");
    assertThat(run.file("start.csv")).hasBinaryContent(served(expected));
  }

  @Test
  void aChainOfRedirectsKeepsEveryHopRaw() throws Exception {
    redirects.put("/hop/1.csv", "/hop/2%20x.csv?s=%2F");
    redirects.put("/hop/2%20x.csv?s=%2F", "{origin}/hop/3+%2B.csv" + PRESIGNED);
    redirects.put("/hop/3+%2B.csv" + PRESIGNED, "final/a%2Fb.csv" + PRESIGNED);
    var run = download(origin() + "/hop/1.csv").run();
    assertThat(seen)
        .containsExactly(
            "/hop/1.csv",
            "/hop/2%20x.csv?s=%2F",
            "/hop/3+%2B.csv" + PRESIGNED,
            "/hop/final/a%2Fb.csv" + PRESIGNED);
    assertThat(run.file("1.csv")).hasBinaryContent(served("/hop/final/a%2Fb.csv" + PRESIGNED));
  }

  @Test
  void theStartUrlItselfIsFetchedRaw() throws Exception {
    String start = "/data/a%20b+c%2Fd.csv" + PRESIGNED;
    var run = download(origin() + start).run();
    assertThat(seen).containsExactly(start);
    assertThat(run.outputNames()).containsExactly("d.csv"); // the decoded path's last segment
  }

  private StageTestRunner download(String url) {
    return StageTestRunner.of(new DownloadStage(), tmp).option("url", url);
  }
}
