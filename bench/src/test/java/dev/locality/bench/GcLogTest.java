package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {
  @Test
  void peakUsedLargestCommittedAndCountInMib(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gc.log");
    Files.writeString(
        log,
        String.join(
            "\n",
            "[0.010s][info][gc] Using G1",
            "[0.512s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M)"
                + " 2.345ms",
            "[1.512s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 120M->40M(200M)"
                + " 5.100ms",
            "[2.000s][info][gc] GC(2) Pause Full (System.gc()) 2048K->1024K(1G) 10.000ms",
            ""));

    assertThat(GcLog.peaks(log)).containsExactly(120, 1024, 3);
  }

  @Test
  void noLogMeansUnknown(@TempDir Path dir) throws Exception {
    assertThat(GcLog.peaks(dir.resolve("missing.log"))).containsExactly(-1, -1, 0);
    assertThat(GcLog.peaks(null)).containsExactly(-1, -1, 0);
  }
}
