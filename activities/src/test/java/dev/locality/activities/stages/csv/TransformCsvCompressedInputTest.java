package dev.locality.activities.stages.csv;

import static dev.locality.activities.stages.Fixtures.concat;
import static dev.locality.activities.stages.SystemTools.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.locality.activities.stages.SystemTools;
import dev.locality.activities.stages.decompress.InlineDecompression;
import dev.locality.stage.BadInputException;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code transform-csv} on compressed inputs, read inline (inflated on a second thread): the output
 * is byte for byte what the same CSV uncompressed gives; corrupt, truncated, archived and bomb
 * inputs are bad input; no inflating thread outlives a run, whatever ended it. The compressed
 * fixtures are made by the system tools (a test is skipped when its tool is missing).
 */
class TransformCsvCompressedInputTest {
  private static final Map<String, String> SUFFIX =
      Map.of("gzip", ".gz", "zstd", ".zst", "bzip2", ".bz2", "xz", ".xz");

  @TempDir Path tmp;
  private int runs;

  @AfterEach
  void noInflatingThreadIsLeft() {
    assertThat(inflatingThreads()).as("inflating threads still alive after the run").isEmpty();
  }

  private static List<String> inflatingThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(InlineDecompression.THREAD_NAME_PREFIX))
        .toList();
  }

  private StageTestRunner runner() {
    return StageTestRunner.of(new TransformCsvStage(), tmp.resolve("run-" + ++runs));
  }

  /** Several MiB of CSV: quotes, commas, line breaks in fields, non-ASCII, some rows rejected. */
  static String sales(int rows) {
    StringBuilder b = new StringBuilder("id,region,amount,note\n");
    for (int i = 0; i < rows; i++) {
      b.append(i).append(',').append(i % 3 == 0 ? "EU" : "US").append(',');
      b.append(i % 97 == 0 ? "n/a" : Integer.toString(i % 1000)).append(',');
      b.append(
          switch (i % 5) {
            case 0 -> "\"a, \"\"quoted\"\" note\"";
            case 1 -> "Köln 東京 ✓";
            case 2 -> "\"two\nlines\"";
            case 3 -> "";
            default -> "plain";
          });
      if (i % 1001 == 0) b.append(",extra");
      b.append('\n');
    }
    return b.toString();
  }

  private StageTestRunner transform(StageTestRunner runner) {
    return runner
        .option("types", Map.of("amount", "int"))
        .option("filter", "region == 'EU' || amount > 500")
        .option("maxRejects", "10%");
  }

  private static void assumeTool(String tool) {
    boolean found =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    assumeThat(found).as("system tool %s on the PATH", tool).isTrue();
  }

  private static byte[] compress(String tool, byte[] data) {
    assumeTool(tool);
    Function<byte[], byte[]> f =
        switch (tool) {
          case "gzip" -> SystemTools::gzip;
          case "zstd" -> SystemTools::zstd;
          case "bzip2" -> SystemTools::bzip2;
          case "xz" -> SystemTools::xz;
          default -> throw new IllegalArgumentException(tool);
        };
    return f.apply(data);
  }

  @Test
  void everyCompressionGivesTheUncompressedOutputByteForByte() throws Exception {
    byte[] csv = utf8(sales(120_000)); // about 4 MiB: several buffers through the pipe
    var plain = transform(runner()).input("sales.csv", csv).run();
    byte[] expected = Files.readAllBytes(plain.file("sales.csv"));
    byte[] expectedRejects = Files.readAllBytes(plain.file("sales.rejects.csv"));
    for (String tool : List.of("gzip", "zstd", "bzip2", "xz")) {
      String name = "sales.csv" + SUFFIX.get(tool);
      var run = transform(runner()).input(name, compress(tool, csv)).run();
      assertThat(run.outputNames()).as(tool).containsExactly("sales.csv", "sales.rejects.csv");
      assertThat(Files.readAllBytes(run.file("sales.csv"))).as(tool).isEqualTo(expected);
      assertThat(Files.readAllBytes(run.file("sales.rejects.csv")))
          .as(tool)
          .isEqualTo(expectedRejects);
      assertThat(run.metrics().rowsIn()).as(tool).isEqualTo(plain.metrics().rowsIn());
      assertThat(run.metrics().rowsOut()).as(tool).isEqualTo(plain.metrics().rowsOut());
      assertThat(run.metrics().bytesIn()).as(tool).isLessThan(csv.length);
    }
  }

  @Test
  void compressionIsDetectedFromTheContentNotTheName() throws Exception {
    byte[] csv = utf8("a,b\n1,2\n");
    var run = runner().input("data.txt", compress("zstd", csv)).input("x.csv.gz", csv).run();
    // zstd content named .txt is inflated; plain content named .gz is read (and named) as it is
    assertThat(run.text("data.txt")).isEqualTo("a,b\n1,2\n");
    assertThat(run.text("x.csv.gz")).isEqualTo("a,b\n1,2\n");
  }

  @Test
  void readsEveryMemberOfAMultiMemberGzip() throws Exception {
    String first = sales(30_000);
    String rest = "30000,EU,5,last\n30001,US,900,\"x\"\n";
    byte[] gz = concat(compress("gzip", utf8(first)), compress("gzip", utf8(rest)));
    var compressed = runner().input("m.csv.gz", gz).run();
    var plain = runner().input("m.csv", first + rest).run();
    assertThat(compressed.text("m.csv"))
        .isEqualTo(plain.text("m.csv"))
        .endsWith("30001,US,900,x\n");
  }

  @Test
  void aTruncatedGzipIsBadInputNamingFormatInputAndOffset() throws Exception {
    byte[] gz = compress("gzip", utf8(sales(60_000)));
    byte[] cut = Arrays.copyOf(gz, gz.length / 2);
    StageTestRunner runner = runner().input("sales.csv.gz", cut);
    BadInputException bad = runner.runExpectingBadInput();
    assertThat(bad.getMessage())
        .contains("corrupt or truncated gzip data in sales.csv.gz")
        .contains("at compressed offset ")
        .contains(" of " + cut.length + " bytes")
        .contains("truncated");
    assertThat(runner.outputDir()).doesNotExist();
  }

  @Test
  void aFlippedByteInTheMiddleIsBadInputNamingFormatInputAndOffset() throws Exception {
    byte[] gz = compress("gzip", utf8(sales(60_000)));
    gz[gz.length / 2] ^= 0x55;
    StageTestRunner runner = runner().input("sales.csv.gz", gz);
    BadInputException bad = runner.runExpectingBadInput();
    assertThat(bad.getMessage())
        .contains("corrupt or truncated gzip data in sales.csv.gz")
        .containsPattern("at compressed offset \\d+ of " + gz.length + " bytes");
    assertThat(runner.outputDir()).doesNotExist();
  }

  @Test
  void cancellationMidReadStopsTheInflatingThread() throws Exception {
    byte[] gz = compress("gzip", utf8(sales(200_000)));
    // every clock reading is a second later: each progress (every 256 rows) heartbeats
    InstantSource clock =
        new InstantSource() {
          private Instant now = Instant.EPOCH;

          @Override
          public synchronized Instant instant() {
            now = now.plusSeconds(1);
            return now;
          }
        };
    StageTestRunner runner =
        runner()
            .input("sales.csv.gz", gz)
            .heartbeatTimeout(Duration.ofDays(1), clock)
            .cancelAfterHeartbeats(3);
    StageCancelledException cancelled = runner.runExpectingFailure(StageCancelledException.class);
    assertThat(cancelled).hasMessageContaining("cancelled");
    assertThat(runner.outputDir()).doesNotExist();
    // @AfterEach: the inflating thread was stopped and joined before the run returned
  }

  @Test
  void aHighCompressionRatioIsStoppedByTheWorkerLimit() throws Exception {
    String csv = "a,b\n" + "1,2\n".repeat(2_000_000); // 8 MB of one repeated line
    BadInputException bad =
        runner()
            .workerSetting("maxCompressionRatio", "50")
            .input("bomb.csv.gz", compress("gzip", utf8(csv)))
            .runExpectingBadInput();
    assertThat(bad.getMessage())
        .contains("decompression stopped at bomb.csv.gz")
        .contains("maxCompressionRatio=50");
  }

  @Test
  void theUncompressedSizeLimitOfDecompressBoundsTheInflatingToo() throws Exception {
    BadInputException bad =
        runner()
            .workerSetting("maxUncompressedBytes", "1m")
            .input("big.csv.xz", compress("xz", utf8(sales(100_000))))
            .runExpectingBadInput();
    assertThat(bad.getMessage())
        .contains("decompression stopped at big.csv.xz")
        .contains("maxUncompressedBytes=1048576");
  }

  @Test
  void anArchiveIsBadInputSayingToAddADecompressStage() throws Exception {
    assumeTool("tar");
    assumeTool("gzip");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("sales.csv"), "a,b\n1,2\n");
    Path tgz = tmp.resolve("bundle.tar.gz");
    SystemTools.runIn(tree, "tar", "-czf", tgz.toString(), "sales.csv");
    BadInputException bad =
        runner().input("bundle.tar.gz", Files.readAllBytes(tgz)).runExpectingBadInput();
    assertThat(bad.getMessage())
        .contains("bundle.tar.gz is a tar archive (gzip)")
        .contains("add a decompress stage");
    BadInputException plainTar =
        runner().input("bundle.csv", SystemTools.tar("x.csv", "a,b\n")).runExpectingBadInput();
    assertThat(plainTar.getMessage()).contains("bundle.csv is a tar archive,");
  }

  @Test
  void theFastEngineRefusalReadsTheCompressedFileAgain() throws Exception {
    // white space after a closing quote: FastCSV refuses, Commons CSV reads it (a re-read)
    String csv = sales(40_000) + "\"x\" ,y,3,z\n";
    var plain = runner().input("q.csv", csv).run();
    var compressed =
        runner()
            // the file is inflated twice but counted once against the limit
            .workerSetting("maxUncompressedBytes", Long.toString(utf8(csv).length + 1000L))
            .input("q.csv.gz", compress("gzip", utf8(csv)))
            .run();
    assertThat(compressed.text("q.csv")).isEqualTo(plain.text("q.csv")).endsWith("x,y,3,z\n");
  }

  @Test
  void aNulCharacterInACompressedFileIsBadInputNamingItsLine() throws Exception {
    BadInputException bad =
        runner()
            .input("n.csv.zst", compress("zstd", utf8("a,b\n1,2\n3,\u0000\n")))
            .runExpectingBadInput();
    assertThat(bad.getMessage()).contains("n.csv.zst line 3: a NUL character");
  }
}
