package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.s3.S3TestServer;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Progress;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Many files per download against S3Proxy: a glob over 50 objects listed with ListObjectsV2 (pages
 * of 7, so the listing pages), objects the glob must not match next to them, a {@code urls} list
 * whose files share a name, the limits.
 */
class DownloadManyS3Test {
  private static final String BUCKET = "many";
  private static final Map<String, byte[]> MATCHING = new TreeMap<>();
  private static S3TestServer s3;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket(BUCKET);
    for (int i = 1; i <= 50; i++) {
      byte[] body = ("id,day\n" + i + ",2026-12-" + i + "\n").repeat(100 + i).getBytes();
      MATCHING.put(String.format("part-%03d.csv", i), body);
      put("2026/12/" + String.format("part-%03d.csv", i), body);
    }
    put("2026/12/notes.txt", "not a csv".getBytes()); // the glob's suffix excludes it
    put("2026/12/deeper/part-999.csv", "deeper".getBytes()); // * does not cross /
    put("2026/11/part-001.csv", "november".getBytes()); // another prefix
    put("2026/12/", new byte[0]); // a folder marker
    put("a/same.csv", "from a".getBytes());
    put("b/same.csv", "from b".getBytes());
  }

  private static void put(String key, byte[] body) {
    s3.admin().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private StageTestRunner download(String option, Object value) {
    StageTestRunner runner = StageTestRunner.of(new DownloadStage(), tmp).option(option, value);
    s3.workerSettings().forEach(runner::workerSetting);
    return runner;
  }

  @Test
  void aGlobFetchesEveryMatchingObjectAndNothingElse() throws Exception {
    var run = download("url", "s3://many/2026/12/*.csv").option("parallelism", 8).run();
    assertThat(run.outputNames()).containsExactlyElementsOf(MATCHING.keySet());
    long sum = 0;
    for (var e : MATCHING.entrySet()) {
      assertThat(run.file(e.getKey())).hasBinaryContent(e.getValue());
      sum += e.getValue().length;
    }
    assertThat(run.metrics().bytesIn()).isEqualTo(sum);
    assertThat(run.metrics().bytesOut()).isEqualTo(sum);
    // heartbeats carry the sum over all files, and end at it
    Progress last = run.heartbeats().get(run.heartbeats().size() - 1);
    assertThat(last.done()).isEqualTo(sum);
    assertThat(last.total()).isEqualTo(sum);
    long all = sum;
    assertThat(run.heartbeats()).allSatisfy(p -> assertThat(p.done()).isLessThanOrEqualTo(all));
  }

  @Test
  void theListingFollowsEveryPage() throws Exception {
    int[] pages = {0};
    List<MatchedSource> matched =
        S3Glob.expand(
            SourcePattern.parse("s3://many/2026/12/part-*.csv"),
            s3.admin(),
            1000,
            7,
            () -> pages[0]++);
    assertThat(matched)
        .extracting(MatchedSource::name)
        .containsExactlyElementsOf(MATCHING.keySet());
    assertThat(pages[0]).isGreaterThanOrEqualTo(8); // 50 matching keys and more, 7 a page
  }

  @Test
  void aDoubleStarGlobCrossesSegmentsAndNamesMatchesByTheirPathBelowTheBase() throws Exception {
    var run = download("url", "s3://many/2026/**/part-9*.csv").run();
    assertThat(run.outputNames()).containsExactly("12/deeper/part-999.csv");
    assertThat(run.text("12/deeper/part-999.csv")).isEqualTo("deeper");
  }

  @Test
  void filesOfTheSameNameFromDifferentPrefixesGetDistinctStableNames() throws Exception {
    List<String> urls = List.of("s3://many/a/same.csv", "s3://many/b/same.csv");
    var run = download("urls", urls).run();
    assertThat(run.outputNames()).containsExactly("many/a/same.csv", "many/b/same.csv");
    assertThat(run.text("many/a/same.csv")).isEqualTo("from a");
    assertThat(run.text("many/b/same.csv")).isEqualTo("from b");
  }

  @Test
  void urlsMixGlobsAndSingleObjectsInTheOrderWritten() throws Exception {
    var run =
        download("urls", List.of("s3://many/a/same.csv", "s3://many/2026/1?/part-00[12].csv"))
            .run();
    assertThat(run.outputNames())
        .containsExactly("same.csv", "11/part-001.csv", "12/part-001.csv", "12/part-002.csv");
    assertThat(run.text("11/part-001.csv")).isEqualTo("november");
  }

  @Test
  void aGlobThatMatchesNothingIsBadInputNamingIt() throws Exception {
    BadInputException e = download("url", "s3://many/2027/*.csv").runExpectingBadInput();
    assertThat(e).hasMessageContaining("s3://many/2027/*.csv").hasMessageContaining("matches no");
  }

  @Test
  void aGlobMatchingMoreThanMaxMatchesIsBadInput() throws Exception {
    BadInputException e =
        download("url", "s3://many/2026/12/*.csv").option("maxMatches", 49).runExpectingBadInput();
    assertThat(e).hasMessageContaining("more than 49 files").hasMessageContaining("maxMatches");
  }

  @Test
  void theWorkerSettingCapsMaxMatches() throws Exception {
    BadInputException e =
        download("url", "s3://many/2026/12/*.csv")
            .workerSetting("maxDownloadMatches", "10")
            .runExpectingBadInput();
    assertThat(e).hasMessageContaining("more than 10 files");
  }

  @Test
  void theSizeLimitBoundsTheSumOfAllFiles() throws Exception {
    long biggest = MATCHING.values().stream().mapToLong(b -> b.length).max().orElseThrow();
    var runner =
        download("url", "s3://many/2026/12/*.csv")
            .workerSetting("maxDownloadBytes", String.valueOf(biggest * 3));
    BadInputException e = runner.runExpectingBadInput();
    assertThat(e).hasMessageContaining("50 files").hasMessageContaining("maxDownloadBytes");
    assertThat(leftFiles(runner.outputDir())).isEmpty();
  }

  @Test
  void aMissingObjectAmongManyFailsNamingItAndLeavesNoFiles() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 1; i <= 20; i++) urls.add(String.format("s3://many/2026/12/part-%03d.csv", i));
    urls.add("s3://many/2026/12/part-404.csv");
    var runner = download("urls", urls).option("parallelism", 4);
    BadInputException e = runner.runExpectingBadInput();
    assertThat(e).hasMessageContaining("part-404.csv");
    assertThat(leftFiles(runner.outputDir())).isEmpty();
    assertThat(runner.resumeFiles()).isEmpty();
  }

  @Test
  void aBucketInAGlobIsRefusedAsAnOption() {
    var problems = download("url", "s3://ma*/x.csv").validate();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("bucket"));
  }

  private static List<Path> leftFiles(Path dir) throws Exception {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
