package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.stage.StageMetrics;
import dev.locality.api.testkit.StageTestRunner;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ~50 MB of CSV through decompress and transform-csv: streaming, counts add up. */
class StreamingPipelineTest {
  private static final int ROWS = 1_000_000;

  @TempDir Path tmp;

  @Test
  void fiftyMegabytesOfGzippedCsvStreamThroughDecompressAndTransform() throws Exception {
    StageTestRunner decompress = StageTestRunner.of(new DecompressStage(), tmp);
    long csvBytes;
    long kept = 0;
    try (Writer out =
        new BufferedWriter(
            new OutputStreamWriter(
                new FastGzip(Files.newOutputStream(decompress.newInput("big.csv.gz"))),
                StandardCharsets.UTF_8),
            1 << 16)) {
      out.write("id,region,amount,note\n");
      csvBytes = 22;
      for (int i = 0; i < ROWS; i++) {
        String region = i % 3 == 0 ? "EU" : "US";
        int amount = i % 100;
        if (region.equals("EU") && amount >= 50) kept++;
        String line = i + "," + region + "," + amount + ",padding to make the row a bit longer\n";
        out.write(line);
        csvBytes += line.length();
      }
    }
    assertThat(csvBytes).isGreaterThan(45_000_000L);

    var unpacked = decompress.run();
    assertThat(unpacked.metrics().bytesOut()).isEqualTo(csvBytes);
    assertThat(unpacked.heartbeats()).hasSizeGreaterThan(1);

    var transformed =
        unpacked
            .then(new TransformCsvStage())
            .option("select", List.of("id", "amount"))
            .option("filter", "region == 'EU' && int(amount) >= 50")
            .run();
    assertThat(transformed.metrics())
        .isEqualTo(
            new StageMetrics(
                csvBytes, transformed.metrics().bytesOut(), ROWS, kept, ROWS - kept, 0));
    assertThat(transformed.outputs().get(0).rows()).isEqualTo(kept);
    assertThat(transformed.heartbeats())
        .last()
        .satisfies(p -> assertThat(p.done()).isEqualTo(ROWS));
  }

  /** gzip at the fastest level, so generating the fixture stays cheap. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(java.io.OutputStream out) throws java.io.IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
