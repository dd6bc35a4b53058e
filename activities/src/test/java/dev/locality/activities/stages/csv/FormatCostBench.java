package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.testkit.StageTestRunner;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each output format costs on the bench CSV (bench's {@code GenerateCsv}): run only when
 * {@code -Dformats.bench=<file.csv.gz>} is given, in a JVM sized like the worker ({@code
 * -DargLine=-Xmx256m}). Prints, per format, the stage's time, MiB/s of CSV read, the output size
 * and the heap's peak (and its largest size after a collection), and checks the row counts.
 */
class FormatCostBench {
  @TempDir Path tmp;

  @Test
  void measure() throws Exception {
    String input = System.getProperty("formats.bench");
    Assumptions.assumeTrue(input != null, "set -Dformats.bench=<bench csv.gz>");
    Path source = Path.of(input);
    long csvBytes = Long.parseLong(System.getProperty("formats.csvBytes", "0"));
    Map<String, String> types = new LinkedHashMap<>();
    types.put("id", "long");
    types.put("created_at", "timestamp:yyyy-MM-dd'T'HH:mm[:ss]X");
    types.put("event_date", "date:yyyy-MM-dd");
    types.put("customer_id", "int");
    types.put("amount", "decimal(12,2)");
    types.put("price", "decimal(12,4)");
    List<Object[]> cases =
        List.of(
            new Object[] {"csv untyped", null, null, Map.of("format", "csv")},
            new Object[] {"csv typed", types, null, Map.of("format", "csv")},
            new Object[] {"csv typed gzip", types, "gzip", Map.of("format", "csv")},
            new Object[] {"csv typed zstd", types, "zstd", Map.of("format", "csv")},
            new Object[] {"jsonl typed", types, null, Map.of("format", "jsonl")},
            new Object[] {"jsonl typed zstd", types, "zstd", Map.of("format", "jsonl")},
            new Object[] {
              "parquet zstd", types, null, Map.of("format", "parquet", "codec", "zstd")
            },
            new Object[] {
              "parquet snappy", types, null, Map.of("format", "parquet", "codec", "snappy")
            },
            new Object[] {
              "parquet gzip", types, null, Map.of("format", "parquet", "codec", "gzip")
            },
            new Object[] {
              "parquet none", types, null, Map.of("format", "parquet", "codec", "none")
            },
            new Object[] {
              "parquet zstd by currency",
              types,
              null,
              Map.of("format", "parquet", "codec", "zstd"),
              List.of("currency")
            });
    String only = System.getProperty("formats.only");
    System.out.printf(
        "%-26s %8s %9s %12s %10s %10s%n",
        "case", "s", "MiB/s", "out bytes", "peakMiB", "afterGcMiB");
    for (Object[] c : cases) {
      if (only != null && !((String) c[0]).matches(only)) continue;
      Path dir = Files.createDirectories(tmp.resolve(((String) c[0]).replace(' ', '-')));
      StageTestRunner runner = StageTestRunner.of(new TransformCsvStage(), dir);
      if (c[1] != null) runner.option("types", c[1]);
      if (c[2] != null) runner.option("outputCompression", c[2]);
      runner.option("output", c[3]);
      if (c.length > 4) runner.option("partitionBy", c[4]);
      runner.option("maxRejects", 0);
      Path copy = runner.newInput("bench.csv.gz");
      Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      System.gc();
      resetPeaks();
      long start = System.nanoTime();
      var run = runner.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      long out = run.metrics().bytesOut();
      long csv = csvBytes > 0 ? csvBytes : run.metrics().bytesIn();
      System.out.printf(
          "%-26s %8.1f %9.1f %12d %10d %10d%n",
          c[0], seconds, csv / seconds / (1 << 20), out, peakHeap() >> 20, afterGc() >> 20);
      assertThat(run.metrics().rowsRejected()).isZero();
      deleteTree(dir);
    }
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
      if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
    return sum;
  }

  private static long afterGc() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
        sum += pool.getCollectionUsage().getUsed();
    return sum;
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
