package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code download} with {@code cache: true} against a real HTTP server that counts the bodies it
 * sends: a second session takes the file from the worker's cache (a HEAD, no body), a changed ETag
 * downloads again, a source without a validator is never cached, a given sha256 is the key.
 */
class DownloadCachedStageTest {
  @TempDir Path tmp;
  private HttpServer http;
  private final AtomicReference<String> etag = new AtomicReference<>("\"v1\"");
  private final AtomicReference<String> body = new AtomicReference<>("a,b\n1,2\n");
  private final AtomicInteger bodiesSent = new AtomicInteger();
  private final AtomicInteger heads = new AtomicInteger();
  private DownloadStage stage;
  private int runs;

  @BeforeEach
  void start() throws IOException {
    stage = DownloadStage.cachingIn(tmp.resolve("cache"));
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/tagged.csv",
        ex -> {
          ex.getResponseHeaders().add("ETag", etag.get());
          send(ex, body.get());
        });
    http.createContext("/untagged.csv", ex -> send(ex, body.get()));
    http.createContext("/other/tagged.csv", ex -> send(ex, body.get()));
    http.createContext(
        "/slow.csv",
        ex -> {
          ex.getResponseHeaders().add("ETag", "\"slow-1\"");
          if (!ex.getRequestMethod().equals("HEAD")) {
            try {
              Thread.sleep(700); // both sessions ask before the first body is complete
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          send(ex, body.get());
        });
    http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private void send(HttpExchange ex, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (ex.getRequestMethod().equals("HEAD")) {
      heads.incrementAndGet();
      ex.sendResponseHeaders(200, -1);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
    bodiesSent.incrementAndGet();
    ex.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  private StageTestRunner.Outcome download(String url, String sha256, boolean cache)
      throws Exception {
    StageTestRunner runner =
        StageTestRunner.of(stage, tmp.resolve("session-" + runs++))
            .option("url", url)
            .option("cache", cache)
            .workerSetting("downloadCacheSize", "1m");
    if (sha256 != null) runner.option("sha256", sha256);
    return runner.run();
  }

  @Test
  void aSecondSessionTakesTheFileFromTheCacheWithoutItsBody() throws Exception {
    var first = download(url("/tagged.csv"), null, true);
    assertThat(first.text("tagged.csv")).isEqualTo("a,b\n1,2\n");
    assertThat(bodiesSent).hasValue(1);
    var second = download(url("/tagged.csv"), null, true);
    assertThat(second.text("tagged.csv")).isEqualTo("a,b\n1,2\n");
    assertThat(bodiesSent).hasValue(1);
    assertThat(second.metrics().bytesIn()).isZero();
    assertThat(second.metrics().bytesOut()).isEqualTo(8);
    assertThat(second.result().outputs().get(0).sha256())
        .isEqualTo(first.result().outputs().get(0).sha256());
  }

  @Test
  void aChangedEtagIsDownloadedAgain() throws Exception {
    download(url("/tagged.csv"), null, true);
    etag.set("\"v2\"");
    body.set("a,b\n3,4\n");
    var changed = download(url("/tagged.csv"), null, true);
    assertThat(changed.text("tagged.csv")).isEqualTo("a,b\n3,4\n");
    assertThat(bodiesSent).hasValue(2);
    var again = download(url("/tagged.csv"), null, true);
    assertThat(again.text("tagged.csv")).isEqualTo("a,b\n3,4\n");
    assertThat(bodiesSent).hasValue(2);
  }

  @Test
  void aSourceWithoutValidatorIsNeverCached() throws Exception {
    download(url("/untagged.csv"), null, true);
    download(url("/untagged.csv"), null, true);
    assertThat(bodiesSent).hasValue(2);
    assertThat(cacheFiles()).isZero();
  }

  @Test
  void withoutCacheTrueNothingIsCached() throws Exception {
    download(url("/tagged.csv"), null, false);
    download(url("/tagged.csv"), null, false);
    assertThat(bodiesSent).hasValue(2);
    assertThat(heads).hasValue(0);
  }

  @Test
  void aGivenSha256IsTheKeyWhateverUrlServesIt() throws Exception {
    String sha = sha256(body.get());
    download(url("/untagged.csv"), sha, true);
    var other = download(url("/other/tagged.csv"), sha, true);
    assertThat(other.text("tagged.csv")).isEqualTo(body.get());
    assertThat(bodiesSent).hasValue(1);
    assertThat(heads).hasValue(0); // no revalidation: the digest names the bytes
  }

  @Test
  void aWrongSha256IsStillBadInputAndCachesNothing() throws Exception {
    String wrong = sha256("something else");
    StageTestRunner runner =
        StageTestRunner.of(stage, tmp.resolve("session-bad"))
            .option("url", url("/tagged.csv"))
            .option("cache", true)
            .option("sha256", wrong)
            .workerSetting("downloadCacheSize", "1m");
    assertThat(runner.runExpectingBadInput()).hasMessageContaining("SHA-256 mismatch");
    assertThat(cacheFiles()).isZero();
  }

  @Test
  void twoSessionsAskingAtOnceDownloadOnce() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> download(url("/slow.csv"), null, true));
      var b = pool.submit(() -> download(url("/slow.csv"), null, true));
      assertThat(a.get(20, java.util.concurrent.TimeUnit.SECONDS).text("slow.csv"))
          .isEqualTo(body.get());
      assertThat(b.get(20, java.util.concurrent.TimeUnit.SECONDS).text("slow.csv"))
          .isEqualTo(body.get());
    } finally {
      pool.shutdownNow();
    }
    assertThat(bodiesSent).hasValue(1);
  }

  @Test
  void anS3ObjectIsCachedByItsEtagAndAChangedObjectIsFetchedAgain() throws Exception {
    try (dev.locality.activities.stages.s3.S3TestServer s3 =
        dev.locality.activities.stages.s3.S3TestServer.start()) {
      s3.createBucket("cache");
      s3.admin()
          .putObject(
              r -> r.bucket("cache").key("d/a.csv"),
              software.amazon.awssdk.core.sync.RequestBody.fromString("a\n1\n"));
      java.util.function.Supplier<StageTestRunner.Outcome> run =
          () -> {
            StageTestRunner runner =
                StageTestRunner.of(stage, tmp.resolve("s3-session-" + runs++))
                    .option("url", "s3://cache/d/a.csv")
                    .option("cache", true)
                    .workerSetting("downloadCacheSize", "1m");
            s3.workerSettings().forEach(runner::workerSetting);
            try {
              return runner.run();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      assertThat(run.get().metrics().bytesIn()).isEqualTo(4);
      var hit = run.get();
      assertThat(hit.metrics().bytesIn()).isZero();
      assertThat(hit.text("a.csv")).isEqualTo("a\n1\n");
      s3.admin()
          .putObject(
              r -> r.bucket("cache").key("d/a.csv"),
              software.amazon.awssdk.core.sync.RequestBody.fromString("a\n2\n"));
      var changed = run.get();
      assertThat(changed.metrics().bytesIn()).isEqualTo(4);
      assertThat(changed.text("a.csv")).isEqualTo("a\n2\n");
    }
  }

  private long cacheFiles() throws IOException {
    Path dir = tmp.resolve("cache");
    if (!Files.exists(dir)) return 0;
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
