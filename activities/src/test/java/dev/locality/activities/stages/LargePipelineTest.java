package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2 GiB of CSV (uncompressed) through decompress and transform-csv in a separate JVM whose heap is
 * capped at 256 MiB, with {@code -XX:+ExitOnOutOfMemoryError} and a GC log: the stages stream,
 * whatever the input size. The heap bound is read from the GC log ({@link GcLog}), far below the
 * cap, so it can fail; the cap itself only makes a regression fail loudly. About a minute on two
 * cores; the decompressed file (2 GiB) lands in a temporary directory that is deleted afterwards.
 * Tagged {@code large}: skip it with {@code -DexcludedGroups=large}.
 */
@Tag("large")
class LargePipelineTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void twoGigabytesStreamThroughDecompressAndTransformWithA256MegabyteHeap() throws Exception {
    long free = java.nio.file.Files.getFileStore(tmp).getUsableSpace();
    assumeTrue(
        free > (4L << 30),
        "needs 4 GiB free for the decompressed file and output; " + (free >> 20) + " MiB free");
    ChildJvm.Result child =
        ChildJvm.run(tmp.resolve("child"), "256m", LargePipelineMain.class, tmp.toString());
    GcLog gc = child.gc();
    System.out.println(child.line("RESULT ") + " " + gc);
    assertThat(child.exit())
        .as("exit code of the 256 MiB JVM; output:%n%s", child.output())
        .isZero();
    assertThat(child.output()).doesNotContain("OutOfMemoryError");
    Map<String, String> result = new HashMap<>();
    for (String pair : child.line("RESULT ").substring(7).split(" ")) {
      String[] kv = pair.split("=", 2);
      result.put(kv[0], kv[1]);
    }
    long csvBytes = Long.parseLong(result.get("csvBytes"));
    long rows = Long.parseLong(result.get("expectedRows"));
    long kept = Long.parseLong(result.get("expectedKept"));
    assertThat(csvBytes).isGreaterThanOrEqualTo(2L << 30);
    assertThat(Long.parseLong(result.get("decompressedBytes"))).isEqualTo(csvBytes);
    assertThat(Long.parseLong(result.get("rowsIn"))).isEqualTo(rows);
    assertThat(Long.parseLong(result.get("rowsOut"))).isEqualTo(kept);
    assertThat(Long.parseLong(result.get("outputRows"))).isEqualTo(kept);
    assertThat(Long.parseLong(result.get("rowsFiltered"))).isEqualTo(rows - kept);
    assertThat(Long.parseLong(result.get("rowsRejected"))).isZero();
    assertThat(Long.parseLong(result.get("maxHeapMiB")))
        .as("-Xmx took effect")
        .isBetween(240L, 256L);
    // From the collector's own log: the heap left after each collection stays a small fraction of
    // the cap while 2 GiB stream through (measured on a 2-core machine: 18 MiB after GC,
    // 170 MiB before GC, 256 MiB committed), so buffering a file, or
    // anything that grows with the input, fails here long before it would run out of memory.
    // The byte lane allocates little per row (4 collections for the 2 GiB, where the FastCSV path
    // needed dozens), so there are few but always some: the young generation fills many times.
    assertThat(gc.pauses()).as("collections logged").isGreaterThanOrEqualTo(2);
    assertThat(gc.peakAfterMiB()).as("largest heap left after a GC, MiB").isLessThan(64);
  }
}
