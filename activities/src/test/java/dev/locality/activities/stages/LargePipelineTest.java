package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2 GiB of CSV (uncompressed) through decompress and transform-csv in a separate JVM whose heap is
 * capped at 256 MiB: the stages stream, whatever the input size. About a minute on two cores; the
 * decompressed file (2 GiB) lands in a temporary directory that is deleted afterwards. Tagged
 * {@code large}: skip it with {@code -DexcludedGroups=large}.
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
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) classpath = System.getProperty("java.class.path");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        List.of(
            java.toString(),
            "-Xmx256m",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dlogback.configurationFile=logback-test.xml",
            "-cp",
            classpath,
            LargePipelineMain.class.getName(),
            tmp.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.add(line);
        if (line.startsWith("RESULT")) System.out.println(line);
      }
    }
    int exit = process.waitFor();
    assertThat(exit)
        .as("exit code of the 256 MiB JVM; output:%n%s", String.join("\n", output))
        .isZero();
    String resultLine =
        output.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    Map<String, String> result = new HashMap<>();
    for (String pair : resultLine.substring(7).split(" ")) {
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
    assertThat(Long.parseLong(result.get("maxHeapMiB"))).isLessThanOrEqualTo(256);
    assertThat(Long.parseLong(result.get("peakHeapMiB"))).isLessThanOrEqualTo(256);
  }
}
