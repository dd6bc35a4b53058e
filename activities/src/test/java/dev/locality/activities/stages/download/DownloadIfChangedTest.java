package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.activities.stages.s3.S3TestServer;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code ifChanged: true}: the version the stage reports for its sources, and skipping (no output,
 * nothing fetched) when it equals {@code lastSourceVersion}, for file:, s3: (single and glob) and
 * http sources.
 */
class DownloadIfChangedTest {
  private static S3TestServer s3;

  @TempDir Path tmp;
  private HttpServer http;
  private final AtomicReference<String> etag = new AtomicReference<>("\"v1\"");
  private final AtomicInteger bodiesSent = new AtomicInteger();

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket("inc");
    put("d/a.csv", "a\n1\n");
    put("d/b.csv", "b\n2\n");
  }

  private static void put(String key, String body) {
    s3.admin().putObject(b -> b.bucket("inc").key(key), RequestBody.fromString(body));
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @BeforeEach
  void startHttp() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/tagged.csv",
        ex -> {
          ex.getResponseHeaders().add("ETag", etag.get());
          send(ex, "x\n1\n");
        });
    http.createContext("/untagged.csv", ex -> send(ex, "x\n1\n"));
    http.start();
  }

  private void send(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
    bodiesSent.incrementAndGet();
    ex.close();
  }

  @AfterEach
  void stopHttp() {
    http.stop(0);
  }

  private StageTestRunner download(String url, String last) {
    StageTestRunner runner =
        StageTestRunner.of(new DownloadStage(), tmp.resolve("run-" + System.nanoTime()))
            .option("url", url)
            .option("ifChanged", true);
    if (last != null) runner.option("lastSourceVersion", last);
    s3.workerSettings().forEach(runner::workerSetting);
    return runner;
  }

  @Test
  void aLocalFileIsSkippedUntilItsSizeOrTimeChanges() throws Exception {
    Path file = Files.writeString(tmp.resolve("in.csv"), "a\n1\n");
    String url = "file://" + file;
    var first = download(url, null).run();
    String version = first.result().sourceVersion();
    assertThat(version).matches("[0-9a-f]{64}");
    assertThat(first.outputNames()).containsExactly("in.csv");

    var second = download(url, version).run();
    assertThat(second.outputNames()).isEmpty();
    assertThat(second.result().sourceVersion()).isEqualTo(version);
    assertThat(second.metrics().bytesIn()).isZero();

    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(30)));
    var third = download(url, version).run();
    assertThat(third.outputNames()).containsExactly("in.csv");
    assertThat(third.result().sourceVersion()).isNotEqualTo(version);
  }

  @Test
  void anS3GlobIsSkippedUntilOneObjectChanges() throws Exception {
    String url = "s3://inc/d/*.csv";
    String version = download(url, null).run().result().sourceVersion();
    assertThat(download(url, version).run().outputNames()).isEmpty();
    put("d/b.csv", "b\n3\n");
    var changed = download(url, version).run();
    assertThat(changed.outputNames()).containsExactly("a.csv", "b.csv");
    assertThat(changed.text("b.csv")).isEqualTo("b\n3\n");
    assertThat(changed.result().sourceVersion()).isNotEqualTo(version);
  }

  @Test
  void anS3ObjectIsComparedByItsEtag() throws Exception {
    String url = "s3://inc/d/a.csv";
    String version = download(url, null).run().result().sourceVersion();
    assertThat(download(url, version).run().outputNames()).isEmpty();
    put("d/a.csv", "a\n9\n");
    assertThat(download(url, version).run().outputNames()).containsExactly("a.csv");
  }

  @Test
  void anHttpSourceIsComparedByItsEtagWithoutSendingItsBodyTwice() throws Exception {
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/tagged.csv";
    String version = download(url, null).run().result().sourceVersion();
    int before = bodiesSent.get();
    var skipped = download(url, version).run();
    assertThat(skipped.outputNames()).isEmpty();
    assertThat(skipped.metrics().bytesIn()).isZero();
    assertThat(bodiesSent.get() - before).isEqualTo(1); // the probe's response, dropped unread
    etag.set("\"v2\"");
    assertThat(download(url, version).run().outputNames()).containsExactly("tagged.csv");
  }

  @Test
  void anHttpSourceWithoutValidatorsIsAlwaysDownloaded() throws Exception {
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/untagged.csv";
    var first = download(url, null).run();
    assertThat(first.result().sourceVersion()).isNull();
    assertThat(download(url, "anything").run().outputNames()).containsExactly("untagged.csv");
  }

  @Test
  void withoutIfChangedNoVersionIsReported() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain.csv"), "a\n");
    var run = StageTestRunner.of(new DownloadStage(), tmp).option("url", "file://" + file).run();
    assertThat(run.result().sourceVersion()).isNull();
  }
}
