package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.BadInputException;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code file://} globs and lists: what they match, how files are named, what they may reach. */
class DownloadFileGlobTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void files() throws Exception {
    tmp = tmp.toRealPath();
    root = Files.createDirectories(tmp.resolve("in"));
    for (int i = 1; i <= 50; i++) {
      Files.writeString(root.resolve(String.format("day-%02d.csv", i)), "n\n" + i + "\n");
    }
    Files.writeString(root.resolve("readme.txt"), "no");
    Files.createDirectories(root.resolve("sub.csv")); // a directory never matches
    Files.createDirectories(root.resolve("x/y"));
    Files.writeString(root.resolve("x/y/deep.csv"), "deep");
    Files.writeString(root.resolve("x/deep.csv"), "shallow");
  }

  private StageTestRunner download(String option, Object value) {
    return StageTestRunner.of(new DownloadStage(), tmp)
        .option(option, value)
        .workerSetting("allowedFileRoots", root.toString());
  }

  @Test
  void aGlobReadsEveryMatchingFileInPathOrder() throws Exception {
    var run = download("url", "file://" + root + "/*.csv").run();
    assertThat(run.outputNames()).hasSize(50).first().isEqualTo("day-01.csv");
    assertThat(run.outputNames()).last().isEqualTo("day-50.csv");
    for (int i = 1; i <= 50; i++) {
      assertThat(run.text(String.format("day-%02d.csv", i))).isEqualTo("n\n" + i + "\n");
    }
  }

  @Test
  void twoFilesOfTheSameNameAreNamedByTheirPathBelowTheBase() throws Exception {
    var run = download("url", "file://" + root + "/x/**.csv").run();
    assertThat(run.outputNames()).containsExactlyInAnyOrder("deep.csv", "y/deep.csv");
    assertThat(run.text("deep.csv")).isEqualTo("shallow");
    assertThat(run.text("y/deep.csv")).isEqualTo("deep");
  }

  @Test
  void aListOfSameNamedFilesNamesThemByTheirWholePath() throws Exception {
    var run =
        download(
                "urls",
                List.of("file://" + root + "/x/deep.csv", "file://" + root + "/x/y/deep.csv"))
            .run();
    String a = root.resolve("x/deep.csv").toString().substring(1);
    String b = root.resolve("x/y/deep.csv").toString().substring(1);
    assertThat(run.outputNames()).containsExactly(a, b);
    assertThat(run.text(b)).isEqualTo("deep");
  }

  @Test
  void theSameFileListedTwiceIsBadInput() throws Exception {
    String url = "file://" + root + "/day-01.csv";
    BadInputException e = download("urls", List.of(url, url)).runExpectingBadInput();
    assertThat(e).hasMessageContaining("day-01.csv").hasMessageContaining("listed twice");
  }

  @Test
  void aGlobOutsideTheAllowedRootsIsRefusedBeforeListing() throws Exception {
    Files.writeString(tmp.resolve("secret.csv"), "s");
    BadInputException e = download("url", "file://" + tmp + "/*.csv").runExpectingBadInput();
    assertThat(e)
        .hasMessageContaining("outside allowedFileRoots")
        .hasMessageContaining(tmp + "/*.csv");
  }

  @Test
  void aGlobUnderProcIsRefusedEvenWithNoRoots() throws Exception {
    BadInputException e =
        StageTestRunner.of(new DownloadStage(), tmp)
            .option("url", "file:///proc/self/*")
            .runExpectingBadInput();
    assertThat(e).hasMessageContaining("always refused");
  }

  @Test
  void dotDotInAGlobIsRefusedAsAnOption() {
    var problems = download("url", "file://" + root + "/../*.csv").validate();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("'..'"));
  }

  @Test
  void aLinkedDirectoryLeadingOutIsRefusedAsABase() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("o.csv"), "o");
    Files.createSymbolicLink(root.resolve("linked"), outside);
    BadInputException e =
        download("url", "file://" + root + "/linked/*.csv").runExpectingBadInput();
    assertThat(e)
        .hasMessageContaining("symbolic link")
        .hasMessageContaining("outside allowedFileRoots");
  }

  @Test
  void aLinkedDirectoryIsNotDescendedByDoubleStar() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("o.csv"), "o");
    Files.createSymbolicLink(root.resolve("x/linked"), outside);
    var run = download("url", "file://" + root + "/x/**.csv").run();
    assertThat(run.outputNames()).containsExactlyInAnyOrder("deep.csv", "y/deep.csv");
  }

  @Test
  void aMatchingLinkToAFileOutsideFailsTheStageNamingItAndLeavesNoOutput() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.csv"), "key=1\n");
    Path link = Files.createSymbolicLink(root.resolve("day-99.csv"), secret);
    var runner = download("url", "file://" + root + "/day-*.csv").option("parallelism", 4);
    BadInputException e = runner.runExpectingBadInput();
    assertThat(e)
        .hasMessageContaining("file " + link)
        .hasMessageContaining("resolves through a symbolic link to " + secret);
    assertThat(files(runner.outputDir())).isEmpty();
  }

  @Test
  void aGlobMatchingNothingNamesThePattern() throws Exception {
    BadInputException e = download("url", "file://" + root + "/*.parquet").runExpectingBadInput();
    assertThat(e).hasMessageContaining(root + "/*.parquet").hasMessageContaining("matches no file");
  }

  @Test
  void aMissingBaseDirectoryIsBadInput() throws Exception {
    BadInputException e = download("url", "file://" + root + "/nope/*.csv").runExpectingBadInput();
    assertThat(e).hasMessageContaining(root + "/nope/").hasMessageContaining("does not exist");
  }

  @Test
  void anHttpsGlobIsRefusedSayingWhy() {
    var problems = download("url", "https://example.org/data/*.csv").validate();
    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("cannot be globs"));
  }

  @Test
  void urlAndUrlsTogetherAreRefused() {
    var problems =
        download("url", "file://" + root + "/day-01.csv")
            .option("urls", List.of("file://" + root + "/day-02.csv"))
            .validate();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.key()).isEqualTo("urls"));
  }

  @Test
  void sha256WithAGlobIsRefused() {
    var problems =
        download("url", "file://" + root + "/*.csv").option("sha256", "a".repeat(64)).validate();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.key()).isEqualTo("sha256"));
  }

  @Test
  void neitherUrlNorUrlsIsRefused() {
    var problems = StageTestRunner.of(new DownloadStage(), tmp).validate();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.key()).isEqualTo("url"));
  }

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
