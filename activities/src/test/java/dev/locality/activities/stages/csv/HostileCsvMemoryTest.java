package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locality.activities.stages.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One unbalanced quote on line 2 of a 320 MiB CSV, transform-csv in a JVM with {@code -Xmx256m} and
 * {@code -XX:+ExitOnOutOfMemoryError} (as in the worker image): with the default {@code
 * maxCsvFieldBytes} it is bad input naming line 2, quickly, and the GC log shows the heap stayed
 * far below the cap. The control run, with the limit raised above the file size, must die of {@link
 * OutOfMemoryError}: proof that the first run would have caught a regression. About 10 s; tagged
 * {@code large} (skip with {@code -DexcludedGroups=large}).
 */
@Tag("large")
class HostileCsvMemoryTest {
  private static final int MIB = 320;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void anUnbalancedQuoteInA320MegabyteFileIsBadInputWithinA256MegabyteHeap() throws Exception {
    assumeTrue(Files.getFileStore(tmp).getUsableSpace() > (2L * MIB) << 20, "needs disk space");
    Child guarded = run(tmp.resolve("guarded"));
    System.out.println(guarded.result + " peakHeapBeforeGcMiB=" + guarded.peakHeapMiB);
    assertThat(guarded.exit).as("exit code; output:%n%s", guarded.output).isZero();
    assertThat(guarded.result).contains("outcome=BadInputException").contains("maxHeapMiB=256");
    assertThat(guarded.csvBytes()).isGreaterThanOrEqualTo(300L << 20);
    assertThat(guarded.message)
        .startsWith("MESSAGE sales.csv line 2: ")
        .contains("maxCsvFieldBytes=16m")
        .contains("unbalanced quote");
    assertThat(guarded.millis()).as("time to fail").isLessThan(10_000);
    assertThat(guarded.peakHeapMiB).as("largest heap use seen by the GC").isLessThan(200);

    Child unguarded = run(tmp.resolve("unguarded"), "1g");
    assertThat(unguarded.exit)
        .as("the control run must die; output:%n%s", unguarded.output)
        .isNotZero();
    assertThat(unguarded.output).contains("java.lang.OutOfMemoryError");
  }

  private record Child(int exit, String output, String result, String message, long peakHeapMiB) {
    long csvBytes() {
      return Long.parseLong(value("csvBytes"));
    }

    long millis() {
      return Long.parseLong(value("millis"));
    }

    String value(String key) {
      Matcher m = Pattern.compile(key + "=(\\S+)").matcher(result);
      assertThat(m.find()).as("%s in %s", key, result).isTrue();
      return m.group(1);
    }
  }

  private Child run(Path dir, String... setting) throws IOException, InterruptedException {
    String[] args = new String[setting.length + 2];
    args[0] = dir.toString();
    args[1] = Integer.toString(MIB);
    System.arraycopy(setting, 0, args, 2, setting.length);
    ChildJvm.Result child = ChildJvm.run(dir, "256m", HostileCsvMain.class, args);
    return new Child(
        child.exit(),
        child.output(),
        child.line("RESULT "),
        child.line("MESSAGE "),
        child.gc().peakBeforeMiB());
  }
}
