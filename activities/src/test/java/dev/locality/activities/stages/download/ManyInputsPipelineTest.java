package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.csv.TransformCsvStage;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * download → transform-csv over 50 gzip objects on S3Proxy: merged into one output, one output
 * each, one corrupt object among 50, and a retry that resumes every file where it stopped.
 */
class ManyInputsPipelineTest {
  private static final int FILES = 50;
  private static final int ROWS = 200;
  private static S3TestServer s3;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket("good");
    s3.createBucket("bad");
    for (int i = 1; i <= FILES; i++) {
      byte[] gz = gzip(csv(i));
      String key = String.format("2026/12/day-%02d.csv.gz", i);
      s3.admin().putObject(b -> b.bucket("good").key(key), RequestBody.fromBytes(gz));
      byte[] body = gz;
      if (i == 37) {
        body = gz.clone();
        body[body.length / 2] ^= 0x55; // one bad byte in the middle of the deflate data
      }
      byte[] put = body;
      s3.admin().putObject(b -> b.bucket("bad").key(key), RequestBody.fromBytes(put));
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private static String csv(int file) {
    StringBuilder b = new StringBuilder("day,seq,amount\n");
    for (int r = 0; r < ROWS; r++)
      b.append(file).append(',').append(r).append(',').append(r * file % 97).append('\n');
    return b.toString();
  }

  private StageTestRunner download(String url) {
    StageTestRunner runner =
        StageTestRunner.of(new DownloadStage(), tmp).option("url", url).option("parallelism", 6);
    s3.workerSettings().forEach(runner::workerSetting);
    return runner;
  }

  @Test
  void fiftyObjectsMergeIntoOneOutputWithEveryRowOnce() throws Exception {
    var fetched = download("s3://good/2026/12/*.csv.gz").run();
    assertThat(fetched.outputNames()).hasSize(FILES);
    var merged =
        fetched.then(new TransformCsvStage()).option("output", Map.of("mode", "merge")).run();
    assertThat(merged.outputNames()).containsExactly("merged.csv");
    StringBuilder expected = new StringBuilder("day,seq,amount\n");
    for (int i = 1; i <= FILES; i++) expected.append(csv(i).substring("day,seq,amount\n".length()));
    assertThat(merged.text("merged.csv")).isEqualTo(expected.toString());
    assertThat(merged.metrics().rowsOut()).isEqualTo((long) FILES * ROWS);
  }

  @Test
  void fiftyObjectsGiveFiftyOutputsInEachMode() throws Exception {
    var each = download("s3://good/2026/12/*.csv.gz").run().then(new TransformCsvStage()).run();
    assertThat(each.outputNames()).hasSize(FILES).contains("day-01.csv", "day-50.csv");
    assertThat(each.text("day-07.csv")).isEqualTo(csv(7));
  }

  @Test
  void oneCorruptObjectAmongFiftyFailsNamingItAndLeavesNoOutput() throws Exception {
    var fetched = download("s3://bad/2026/12/*.csv.gz").run();
    var transform = fetched.then(new TransformCsvStage()).option("output", Map.of("mode", "merge"));
    BadInputException e = transform.runExpectingBadInput();
    assertThat(e).hasMessageContaining("day-37.csv.gz").hasMessageContaining("gzip");
    assertThat(files(transform.outputDir())).isEmpty();
  }

  @Test
  void aRetryResumesEachFileFromItsOwnPartialFile() throws Exception {
    List<String> urls =
        List.of(
            "s3://good/2026/12/day-01.csv.gz",
            "s3://good/2026/12/day-02.csv.gz",
            "s3://good/2026/12/day-03.csv.gz");
    byte[][] bodies = new byte[3][];
    String[] etags = new String[3];
    for (int i = 0; i < 3; i++) {
      String key = String.format("2026/12/day-%02d.csv.gz", i + 1);
      var object = s3.admin().getObjectAsBytes(b -> b.bucket("good").key(key));
      bodies[i] = object.asByteArray();
      etags[i] = object.response().eTag();
    }
    StageTestRunner runner =
        StageTestRunner.of(new FirstAttemptLeavesHalves(urls, bodies, etags), tmp)
            .option("urls", urls);
    s3.workerSettings().forEach(runner::workerSetting);
    runner.runExpectingFailure(IOException.class);
    var second = runner.run();
    long total = 0;
    long halves = 0;
    for (int i = 0; i < 3; i++) {
      assertThat(runner.outputDir().resolve(String.format("day-%02d.csv.gz", i + 1)))
          .hasBinaryContent(bodies[i]);
      total += bodies[i].length;
      halves += bodies[i].length / 2;
    }
    assertThat(second.result().metrics().bytesIn()).isEqualTo(total - halves);
    assertThat(runner.resumeFiles()).isEmpty();
  }

  /** The download stage, except that attempt 1 leaves half of each file and fails. */
  private static final class FirstAttemptLeavesHalves implements Stage {
    private final DownloadStage download = new DownloadStage();
    private final List<String> urls;
    private final byte[][] bodies;
    private final String[] etags;

    FirstAttemptLeavesHalves(List<String> urls, byte[][] bodies, String[] etags) {
      this.urls = urls;
      this.bodies = bodies;
      this.etags = etags;
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
      return true;
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      if (context.attempt() > 1) return download.run(input, context);
      for (int i = 0; i < urls.size(); i++) {
        PartialDownload partial = PartialDownload.of(context, urls.get(i));
        Files.write(partial.data(), Arrays.copyOf(bodies[i], bodies[i].length / 2));
        partial.recordValidators(etags[i], null);
      }
      context.heartbeat(Progress.bytes(1, -1));
      throw new IOException("connection reset");
    }
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
