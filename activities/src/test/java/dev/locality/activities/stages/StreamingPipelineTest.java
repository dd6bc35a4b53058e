package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.csv.PythonCsv;
import dev.locality.activities.stages.csv.TransformCsvStage;
import dev.locality.activities.stages.decompress.DecompressStage;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.BufferedWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ~50 MB of CSV through decompress and transform-csv: streaming, and every figure checked against
 * an independent oracle, never against the stages' own numbers. The input is gzipped by the system
 * {@code gzip}; the decompressed file must equal the original byte for byte; the transformed rows
 * must equal what Python's {@code csv} module selects with the same filter.
 */
class StreamingPipelineTest {
  private static final int ROWS = 1_000_000;

  @TempDir Path tmp;

  @Test
  void fiftyMegabytesOfGzippedCsvStreamThroughDecompressAndTransform() throws Exception {
    Path original = tmp.resolve("big.csv");
    long kept = 0;
    try (Writer out =
        new BufferedWriter(Files.newBufferedWriter(original, StandardCharsets.UTF_8), 1 << 16)) {
      out.write("id,region,amount,note\n");
      for (int i = 0; i < ROWS; i++) {
        String region = i % 3 == 0 ? "EU" : "US";
        int amount = i % 100;
        if (region.equals("EU") && amount >= 50) kept++;
        out.write(i + "," + region + "," + amount + ",padding to make the row a bit longer\n");
      }
    }
    long csvBytes = Files.size(original);
    assertThat(csvBytes).isGreaterThan(45_000_000L);
    StageTestRunner decompress = StageTestRunner.of(new DecompressStage(), tmp.resolve("run"));
    Path gz = decompress.newInput("big.csv.gz");
    SystemTools.gzipFile(original, gz);
    long gzBytes = Files.size(gz);

    var unpacked = decompress.run();
    assertThat(Files.mismatch(unpacked.file("big.csv"), original)).isEqualTo(-1L);
    assertThat(unpacked.metrics().bytesIn()).isEqualTo(gzBytes);
    assertThat(unpacked.metrics().bytesOut()).isEqualTo(csvBytes);
    assertThat(unpacked.heartbeats()).hasSizeGreaterThan(1);

    var transformed =
        unpacked
            .then(new TransformCsvStage())
            .option("select", List.of("id", "amount"))
            .option("filter", "region == 'EU' && int(amount) >= 50")
            .run();
    Path output = transformed.file(transformed.outputNames().get(0));
    String expected =
        PythonCsv.selectWhere(
            original, List.of("id", "amount"), "r['region'] == 'EU' and int(r['amount']) >= 50");
    assertThat(expected).startsWith(kept + " ");
    assertThat(PythonCsv.dataRows(output) + " " + PythonCsv.rowsHash(output)).isEqualTo(expected);
    assertThat(Files.readAllLines(output).get(0)).isEqualTo("id,amount");
    assertThat(transformed.metrics().bytesIn()).isEqualTo(csvBytes);
    assertThat(transformed.metrics().bytesOut()).isEqualTo(Files.size(output));
    assertThat(transformed.metrics().rowsIn()).isEqualTo(PythonCsv.dataRows(original));
    assertThat(transformed.metrics().rowsOut()).isEqualTo(kept);
    assertThat(transformed.metrics().rowsFiltered()).isEqualTo(ROWS - kept);
    assertThat(transformed.metrics().rowsRejected()).isZero();
    assertThat(transformed.outputs().get(0).rows()).isEqualTo(kept);
    assertThat(transformed.heartbeats())
        .last()
        .satisfies(p -> assertThat(p.done()).isEqualTo(ROWS));
  }
}
