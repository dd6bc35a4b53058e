package dev.locality.activities.stages.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.decompress.DecompressStage;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code compress} stage through the test kit: every format round-trips through the {@code
 * decompress} stage byte for byte, names follow the inputs, bundles are reproducible, levels are
 * checked per format, heartbeats count uncompressed bytes and a cancel stops the stage.
 */
class CompressStageTest {
  @TempDir Path tmp;

  /** Inputs under one shared parent: a CSV, random bytes (incompressible), an empty file. */
  private static Map<String, byte[]> files() {
    Random random = new Random(17);
    byte[] binary = new byte[200_000];
    random.nextBytes(binary);
    StringBuilder csv = new StringBuilder("id,name,amount\n");
    for (int i = 0; i < 30_000; i++)
      csv.append(i).append(",name ").append(random.nextInt(1000)).append(",1.5\n");
    Map<String, byte[]> files = new TreeMap<>();
    files.put("x/2024/sales.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    files.put("x/2024/q1/blob.bin", binary);
    files.put("x/empty.txt", new byte[0]);
    return files;
  }

  private StageTestRunner compress(String dir, String format, Map<String, byte[]> files) {
    StageTestRunner runner =
        StageTestRunner.of(new CompressStage(), tmp.resolve(dir)).option("format", format);
    files.forEach(runner::input);
    return runner;
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd", "bzip2", "xz"})
  void singleFileFormatsRoundTripThroughDecompress(String format) throws Exception {
    Map<String, byte[]> files = files();
    StageTestRunner.Outcome compressed = compress(format, format, files).run();
    String suffix = CompressFormat.fromOption(format).suffix;
    assertThat(compressed.outputNames())
        .containsExactlyInAnyOrder(
            "2024/q1/blob.bin" + suffix, "2024/sales.csv" + suffix, "empty.txt" + suffix);
    assertThat(Files.size(compressed.file("2024/sales.csv" + suffix)))
        .isLessThan(files.get("x/2024/sales.csv").length / 3);

    StageTestRunner.Outcome decompressed = compressed.then(new DecompressStage()).run();
    assertThat(contents(decompressed))
        .containsOnlyKeys("2024/q1/blob.bin", "2024/sales.csv", "empty.txt");
    for (var e : contents(decompressed).entrySet())
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(files.get("x/" + e.getKey()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tar", "tar.gz", "tar.zst", "tar.bz2", "tar.xz", "zip"})
  void bundlesRoundTripThroughDecompress(String format) throws Exception {
    Map<String, byte[]> files = files();
    StageTestRunner.Outcome bundled = compress(format, format, files).run();
    assertThat(bundled.outputNames()).containsExactly("test-pipeline." + format);

    StageTestRunner.Outcome extracted = bundled.then(new DecompressStage()).run();
    Map<String, byte[]> out = contents(extracted);
    assertThat(out.keySet())
        .containsExactlyInAnyOrder("2024/q1/blob.bin", "2024/sales.csv", "empty.txt");
    for (var e : out.entrySet())
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(files.get("x/" + e.getKey()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tar.gz", "tar.zst", "zip", "gzip", "xz"})
  void twoRunsGiveIdenticalBytes(String format) throws Exception {
    Map<String, byte[]> files = files();
    StageTestRunner.Outcome first = compress("a", format, files).run();
    Thread.sleep(1100); // a time stamp taken from the clock would differ now
    StageTestRunner.Outcome second = compress("b", format, files).run();
    assertThat(second.outputNames()).isEqualTo(first.outputNames());
    for (String name : first.outputNames())
      assertThat(Files.readAllBytes(second.file(name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(first.file(name)));
    assertThat(second.outputs().get(0).sha256()).isEqualTo(first.outputs().get(0).sha256());
  }

  @Test
  void theNameOptionNamesTheBundleAndKeepsAGivenSuffix() throws Exception {
    var named = compress("n1", "zip", files()).option("name", "daily-export").run();
    assertThat(named.outputNames()).containsExactly("daily-export.zip");
    var suffixed = compress("n2", "tar.gz", files()).option("name", "daily.tar.gz").run();
    assertThat(suffixed.outputNames()).containsExactly("daily.tar.gz");
    var untidyPipeline =
        compress("n3", "tar", files()).pipeline(new PipelineInfo("a b/c", "wf", "run")).run();
    assertThat(untidyPipeline.outputNames()).containsExactly("bundle.tar");
  }

  @Test
  void anEmptyFileCompressesToAValidStream() throws Exception {
    for (String format : List.of("gzip", "zstd", "bzip2", "xz")) {
      var compressed = compress("e-" + format, format, Map.of("empty.csv", new byte[0])).run();
      var decompressed = compressed.then(new DecompressStage()).run();
      assertThat(decompressed.file("empty.csv")).as(format).isEmptyFile();
    }
  }

  @Test
  void noInputsGiveNoFilesOrAnEmptyArchive() throws Exception {
    assertThat(compress("none-gz", "gzip", Map.of()).run().outputs()).isEmpty();
    var zip = compress("none-zip", "zip", Map.of()).run();
    assertThat(zip.outputNames()).containsExactly("test-pipeline.zip");
    assertThat(zip.outputs().get(0).bytes()).isPositive(); // the end of central directory
  }

  @Test
  void levelsOutOfTheFormatsRangeAreInvalidNamingTheOption() {
    assertThat(problemKeys(compress("l1", "gzip", Map.of()).option("level", 12)))
        .containsExactly("level");
    assertThat(problemKeys(compress("l2", "zstd", Map.of()).option("level", 12))).isEmpty();
    assertThat(problemKeys(compress("l3", "xz", Map.of()).option("level", 0))).isEmpty();
    assertThat(problemKeys(compress("l4", "bzip2", Map.of()).option("level", 0)))
        .containsExactly("level");
    assertThat(problemKeys(compress("l5", "tar", Map.of()).option("level", 3)))
        .containsExactly("level");
    assertThat(problemKeys(compress("l6", "zstd", Map.of()).option("level", 20)))
        .containsExactly("level");
    assertThat(compress("l7", "gzip", Map.of()).option("level", 12).validate().get(0).message())
        .contains("1 to 9");
  }

  @Test
  void aNameForASingleFileFormatOrWithASlashIsInvalid() {
    assertThat(problemKeys(compress("m1", "gzip", Map.of()).option("name", "x")))
        .containsExactly("name");
    assertThat(problemKeys(compress("m2", "zip", Map.of()).option("name", "../x")))
        .containsExactly("name");
  }

  @Test
  void heartbeatsCountUncompressedBytesReadOfTheTotal() throws Exception {
    Map<String, byte[]> files = files();
    long total = files.values().stream().mapToLong(b -> b.length).sum();
    var outcome = compress("hb", "tar.zst", files).run();
    List<Progress> beats = outcome.heartbeats();
    assertThat(beats.get(0)).isEqualTo(Progress.bytes(0, total));
    assertThat(beats.get(beats.size() - 1)).isEqualTo(Progress.bytes(total, total));
    assertThat(outcome.metrics().bytesIn()).isEqualTo(total);
    assertThat(outcome.metrics().bytesOut()).isEqualTo(outcome.outputs().get(0).bytes());
  }

  @Test
  void aCancelStopsTheStageAndLeavesNoOutput() throws Exception {
    StageTestRunner runner = compress("cancel", "xz", files()).cancelAfterHeartbeats(1);
    runner.runExpectingFailure(StageCancelledException.class);
    assertThat(runner.outputDir()).doesNotExist();
  }

  @Test
  void zstdWithBackgroundWorkersGivesAValidStream() throws Exception {
    Map<String, byte[]> files = files();
    var compressed = compress("w", "zstd", files).workerSetting("compressZstdWorkers", "2").run();
    var decompressed = compressed.then(new DecompressStage()).run();
    assertThat(Files.readAllBytes(decompressed.file("2024/sales.csv")))
        .isEqualTo(files.get("x/2024/sales.csv"));
  }

  private static List<String> problemKeys(StageTestRunner runner) {
    return runner.validate().stream().map(OptionProblem::key).toList();
  }

  private static Map<String, byte[]> contents(StageTestRunner.Outcome outcome) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    for (String name : outcome.outputNames()) out.put(name, Files.readAllBytes(outcome.file(name)));
    return out;
  }
}
