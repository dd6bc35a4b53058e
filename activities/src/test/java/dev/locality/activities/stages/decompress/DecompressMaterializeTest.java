package dev.locality.activities.stages.decompress;

import static dev.locality.activities.stages.SystemTools.gzip;
import static dev.locality.activities.stages.SystemTools.tar;
import static dev.locality.activities.stages.SystemTools.utf8;
import static dev.locality.activities.stages.SystemTools.zstd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.activities.stages.csv.TransformCsvStage;
import dev.locality.activities.stages.download.DownloadStage;
import dev.locality.activities.stages.upload.UploadStage;
import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.SpecParser;
import dev.locality.stage.BadInputException;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decompress: {materialize: false}}: a single compressed file is handed on unchanged and the
 * next stage reads it inline with the same result; archives are extracted as always; the spec
 * validation refuses it before a stage that cannot read compressed input.
 */
class DecompressMaterializeTest {
  @TempDir Path tmp;

  private static String csv() {
    StringBuilder b = new StringBuilder("id,region,amount\n");
    for (int i = 0; i < 50_000; i++)
      b.append(i).append(i % 2 == 0 ? ",EU," : ",US,").append(i % 7).append('\n');
    return b.toString();
  }

  private StageTestRunner decompress(String dir, boolean materialize) {
    return StageTestRunner.of(new DecompressStage(), tmp.resolve(dir))
        .option("materialize", materialize);
  }

  @Test
  void theNextTransformGivesTheSameOutputAsAfterAMaterializedDecompress() throws Exception {
    byte[] gz = gzip(csv());
    Map<String, Object> filter = Map.of("filter", "region == 'EU'");
    var materialized =
        decompress("on", true)
            .input("sales.csv.gz", gz)
            .run()
            .then(new TransformCsvStage())
            .option("filter", filter.get("filter"))
            .run();
    StageTestRunner handingOn = decompress("off", false).input("sales.csv.gz", gz);
    var handedOnRun = handingOn.run();
    // nothing written: the output is the input artifact itself, compressed
    assertThat(handedOnRun.outputs())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path()).isEqualTo("inputs/sales.csv.gz");
              assertThat(handingOn.sessionDir().resolve(a.path())).hasBinaryContent(gz);
            });
    assertThat(handedOnRun.file("sales.csv")).doesNotExist();
    var inline =
        handedOnRun.then(new TransformCsvStage()).option("filter", filter.get("filter")).run();
    assertThat(inline.outputNames()).isEqualTo(materialized.outputNames());
    assertThat(Files.readAllBytes(inline.file("sales.csv")))
        .isEqualTo(Files.readAllBytes(materialized.file("sales.csv")));
    assertThat(inline.metrics().rowsOut()).isEqualTo(materialized.metrics().rowsOut()).isPositive();
  }

  @Test
  void archivesAreExtractedAsAlways() throws Exception {
    var run =
        decompress("tar", false)
            .input("bundle.tar.zst", zstd(tar("a.csv", "x\n1\n", "b/c.csv", "y\n2\n")))
            .input("single.csv.gz", gzip("z\n3\n"))
            .run();
    assertThat(run.outputNames()).hasSize(3).contains("a.csv", "b/c.csv");
    assertThat(run.text("a.csv")).isEqualTo("x\n1\n");
    assertThat(run.outputs().get(2).path()).endsWith("inputs/single.csv.gz");
  }

  @Test
  void contentThatIsNotCompressedIsRefusedAsAlways() throws Exception {
    BadInputException bad =
        decompress("plain", false).input("x.csv", utf8("a,b\n")).runExpectingBadInput();
    assertThat(bad.getMessage()).contains("x.csv is not a recognised compressed/archive format");
  }

  @Test
  void specValidationRefusesItBeforeAStageThatCannotReadCompressedInput() {
    SpecParser parser =
        new SpecParser(
            StageRegistry.of(
                java.util.List.of(
                    new DownloadStage(),
                    new DecompressStage(),
                    new TransformCsvStage(),
                    new UploadStage())));
    String head =
        "name: p\nstages:\n  - type: download\n    url: https://example.org/s.csv.gz\n"
            + "  - type: decompress\n    materialize: false\n";
    String upload = "  - type: upload\n    to: file:///tmp/out/{name}.csv\n";
    assertThatThrownBy(() -> parser.parse(head + upload, "bad.yaml"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("stages[1] (decompress).materialize")
        .hasMessageContaining("the next stage, upload (stages[2]), cannot read compressed input")
        .hasMessageContaining("(decompress, transform-csv)");
    assertThat(parser.parse(head + "  - type: transform-csv\n" + upload, "ok.yaml").stages())
        .hasSize(4);
  }
}
