package dev.locality.activities.stages;

import dev.locality.activities.stages.csv.TransformCsvStage;
import dev.locality.activities.stages.decompress.DecompressStage;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs {@value #GIB} GiB of CSV through decompress and transform-csv in this JVM (started by {@link
 * LargePipelineTest} with a small heap) and prints one {@code RESULT key=value ...} line.
 *
 * <p>The input is a multi-member gzip file: one member with the header, then the same compressed
 * chunk of rows repeated, so generating it costs no compression time and little disk, while the
 * stages still decompress and parse every byte. The members are made by the system {@code gzip}
 * ({@link SystemTools}), not by a Java library. Heap use is read by {@link LargePipelineTest} from
 * this JVM's GC log.
 */
public final class LargePipelineMain {
  static final int GIB = 2;
  static final int CHUNK_ROWS = 10_000;

  private LargePipelineMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long start = System.nanoTime();
    StageTestRunner decompress = StageTestRunner.of(new DecompressStage(), dir);
    String header = "id,region,amount,day,note\n";
    StringBuilder chunk = new StringBuilder();
    long keptPerChunk = 0;
    for (int i = 0; i < CHUNK_ROWS; i++) {
      String region = i % 3 == 0 ? "EU" : "US";
      int amount = i % 100;
      if (region.equals("EU") && amount >= 50) keptPerChunk++;
      chunk
          .append(i)
          .append(',')
          .append(region)
          .append(',')
          .append(amount)
          .append(",2024-01-")
          .append(10 + i % 20)
          .append(",\"padding, quoted, to make rows about two hundred bytes long: ")
          .append("x".repeat(100 + i % 37))
          .append("\"\n");
    }
    byte[] chunkBytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
    byte[] chunkGz = SystemTools.gzip(chunkBytes);
    long target = (long) GIB << 30;
    long chunks = (target + chunkBytes.length - 1) / chunkBytes.length;
    try (OutputStream out = Files.newOutputStream(decompress.newInput("big.csv.gz"))) {
      out.write(SystemTools.gzip(header.getBytes(StandardCharsets.UTF_8)));
      for (long c = 0; c < chunks; c++) out.write(chunkGz);
    }
    long csvBytes = header.length() + chunks * chunkBytes.length;
    long rows = chunks * CHUNK_ROWS;
    long generated = System.nanoTime();

    var unpacked = decompress.run();
    long decompressed = System.nanoTime();
    Files.delete(dir.resolve("session/inputs/big.csv.gz"));
    var transformed =
        unpacked
            .then(new TransformCsvStage())
            .option("select", List.of("id", "amount", "day"))
            .option("filter", "region == 'EU' && int(amount) >= 50")
            .run();
    long done = System.nanoTime();
    StageMetrics m = transformed.metrics();
    System.out.printf(
        "RESULT csvBytes=%d expectedRows=%d expectedKept=%d decompressedBytes=%d rowsIn=%d"
            + " rowsOut=%d rowsFiltered=%d rowsRejected=%d outputRows=%d generateSeconds=%.1f"
            + " decompressSeconds=%.1f transformSeconds=%.1f maxHeapMiB=%d%n",
        csvBytes,
        rows,
        chunks * keptPerChunk,
        unpacked.metrics().bytesOut(),
        m.rowsIn(),
        m.rowsOut(),
        m.rowsFiltered(),
        m.rowsRejected(),
        transformed.outputs().get(0).rows(),
        (generated - start) / 1e9,
        (decompressed - generated) / 1e9,
        (done - decompressed) / 1e9,
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
