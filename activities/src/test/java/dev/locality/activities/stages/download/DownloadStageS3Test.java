package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.TestFiles;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.s3.S3TestServer;
import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageResult;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** The download stage against an S3 API server (S3Proxy) on 127.0.0.1. */
class DownloadStageS3Test {
  private static final byte[] DATA = randomBytes(400_000);
  private static final String URL = "s3://source/data/sample.bin";
  private static S3TestServer s3;
  private static String etag;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket("source");
    etag =
        s3.admin()
            .putObject(b -> b.bucket("source").key("data/sample.bin"), RequestBody.fromBytes(DATA))
            .eTag();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private StageTestRunner download(String url) {
    StageTestRunner runner = StageTestRunner.of(new DownloadStage(), tmp).option("url", url);
    s3.workerSettings().forEach(runner::workerSetting);
    return runner;
  }

  /**
   * Attempts of the download in one session whose first attempt failed transiently after receiving
   * {@code prefix} of the object with this ETag: it left the partial file and heartbeat a download
   * would have.
   */
  private StageTestRunner attemptsAfterOneThatLeft(byte[] prefix, String etag) throws Exception {
    StageTestRunner runner =
        StageTestRunner.of(new FirstAttemptCutShort(prefix, etag), tmp)
            .option("url", URL)
            .option("sha256", sha256(DATA));
    s3.workerSettings().forEach(runner::workerSetting);
    runner.runExpectingFailure(IOException.class);
    return runner;
  }

  /** The download stage, except that attempt 1 stops after {@code prefix} as if cut. */
  private static final class FirstAttemptCutShort implements Stage {
    private final DownloadStage download = new DownloadStage();
    private final byte[] prefix;
    private final String etag;

    FirstAttemptCutShort(byte[] prefix, String etag) {
      this.prefix = prefix;
      this.etag = etag;
    }

    @Override
    public String type() {
      return download.type();
    }

    @Override
    public String description() {
      return download.description();
    }

    @Override
    public List<OptionSpec<?>> options() {
      return download.options();
    }

    @Override
    public List<SettingSpec<?>> settings() {
      return download.settings();
    }

    @Override
    public boolean consumes(Artifact artifact) {
      return download.consumes(artifact);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      if (context.attempt() > 1) return download.run(input, context);
      PartialDownload partial = PartialDownload.of(context, URL);
      Files.write(partial.data(), prefix);
      partial.recordValidators(etag, null);
      context.heartbeat(Progress.bytes(prefix.length, -1));
      throw new IOException("connection reset after " + prefix.length + " bytes");
    }
  }

  @Test
  void downloadsAnObjectWithTheWorkersCredentials() throws Exception {
    var run = download(URL).option("sha256", sha256(DATA)).run();
    assertThat(run.outputNames()).containsExactly("sample.bin");
    assertThat(run.file("sample.bin")).hasBinaryContent(DATA);
    assertThat(run.metrics().bytesIn()).isEqualTo(DATA.length);
    assertThat(run.heartbeats()).last().satisfies(p -> assertThat(p.done()).isEqualTo(DATA.length));
  }

  @Test
  void aRetryResumesWithARangedGet() throws Exception {
    StageTestRunner attempts = attemptsAfterOneThatLeft(Arrays.copyOf(DATA, 150_000), etag);
    var second = attempts.run(); // fails the test unless the retry succeeds
    assertThat(attempts.outputDir().resolve("sample.bin")).hasBinaryContent(DATA);
    assertThat(second.result().metrics().bytesIn()).isEqualTo(DATA.length - 150_000);
    assertThat(second.result().outputs().get(0).sha256()).isEqualTo(sha256(DATA));
    assertThat(attempts.resumeFiles()).isEmpty();
  }

  @Test
  void aResumeThatBreaksTheChecksumIsRetriedFromTheFirstByte() throws Exception {
    byte[] wrongPrefix = new byte[150_000]; // zeros: not what the object starts with
    StageTestRunner attempts = attemptsAfterOneThatLeft(wrongPrefix, etag);
    var second = attempts.runExpectingFailure(IOException.class);
    assertThat(second)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SHA-256 mismatch")
        .hasMessageContaining("after resuming at byte 150000");
    assertThat(attempts.resumeFiles()).isEmpty();
    var third = attempts.run(); // fails the test unless the third attempt succeeds
    assertThat(attempts.outputDir().resolve("sample.bin")).hasBinaryContent(DATA);
    assertThat(third.result().metrics().bytesIn()).isEqualTo(DATA.length);
  }

  @Test
  void aChangedObjectIsDownloadedFromTheFirstByte() throws Exception {
    StageTestRunner attempts = attemptsAfterOneThatLeft(new byte[150_000], "\"an-older-version\"");
    var second = attempts.run(); // fails the test unless the retry succeeds
    assertThat(attempts.outputDir().resolve("sample.bin")).hasBinaryContent(DATA);
    assertThat(second.result().metrics().bytesIn()).isEqualTo(DATA.length);
  }

  @Test
  void missingObjectIsBadInputNamingIt() throws Exception {
    BadInputException error = download("s3://source/data/missing.bin").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("s3://source/data/missing.bin")
        .hasMessageContaining("404");
    assertNoPartialFiles();
  }

  @Test
  void missingBucketIsBadInput() throws Exception {
    BadInputException error = download("s3://no-such-bucket/x.bin").runExpectingBadInput();
    assertThat(error).hasMessageContaining("s3://no-such-bucket/x.bin");
    assertNoPartialFiles();
  }

  @Test
  void objectLargerThanTheLimitIsBadInputBeforeTheTransfer() throws Exception {
    BadInputException error =
        download(URL).workerSetting("maxDownloadBytes", "100k").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("maxDownloadBytes")
        .hasMessageContaining("100 KiB")
        .hasMessageContaining("its size is " + DATA.length);
    assertNoPartialFiles();
  }

  private void assertNoPartialFiles() throws IOException {
    assertThat(TestFiles.filesIn(tmp.resolve("session/1-download"))).isEmpty();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] data) {
    var digest = Sha256.newDigest();
    digest.update(data);
    return Sha256.hex(digest);
  }
}
