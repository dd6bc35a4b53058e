package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcLogTest {
  @Test
  void readsPauseLinesOfG1AndSerialAndIgnoresTheRest() {
    String log =
        String.join(
            "\n",
            "[0.010s][info][gc,init] Heap Max Capacity: 256M",
            "[0.512s][info][gc,start    ] GC(0) Pause Young (Normal) (G1 Evacuation Pause)",
            "[0.513s][info][gc,heap     ] GC(0) Eden regions: 12->0(11)",
            "[0.513s][info][gc,metaspace] GC(0) Metaspace: 9000K(9216K)->9000K(9216K)",
            "[0.513s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause)"
                + " 24M->3M(256M) 4.123ms",
            "[0.900s][info][gc          ] GC(1) Pause Young (Concurrent Start) (G1 Humongous"
                + " Allocation) 130M->70M(200M) 2.000ms",
            "[0.950s][info][gc          ] GC(2) Pause Remark 90M->88M(200M) 1.0ms",
            "[1.100s][info][gc          ] GC(3) Pause Full (Allocation Failure) 140M->20M(247M)"
                + " 30.1ms",
            "[1.200s][info][gc,heap,exit] garbage-first heap   total 262144K, used 123456K");
    assertThat(GcLog.parse(log)).isEqualTo(new GcLog(4, 140, 88, 256));
    assertThat(GcLog.parse("")).isEqualTo(new GcLog(0, 0, 0, 0));
  }
}
