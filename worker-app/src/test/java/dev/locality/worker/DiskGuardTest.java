package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.ByteSizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiskGuardTest {
  private final AtomicLong free = new AtomicLong(100);
  private final List<Boolean> changes = new ArrayList<>();

  private DiskGuard guard(long min) {
    return new DiskGuard(free::get, min, Duration.ofHours(1), changes::add);
  }

  @Test
  void reportsLowOnlyOnTransitionsBelowAndAboveTheMinimum() {
    DiskGuard guard = guard(50);

    assertThat(guard.checkNow()).isFalse();
    free.set(49);
    assertThat(guard.checkNow()).isTrue();
    assertThat(guard.checkNow()).isTrue();
    free.set(50);
    assertThat(guard.checkNow()).isFalse();

    assertThat(changes).containsExactly(true, false);
    assertThat(guard.lastFreeBytes()).isEqualTo(50);
  }

  @Test
  void aMinimumOfZeroNeverReportsLowButStillMeasures() {
    DiskGuard guard = guard(0);
    free.set(0);

    assertThat(guard.checkNow()).isFalse();
    assertThat(guard.lastFreeBytes()).isZero();
    assertThat(changes).isEmpty();
  }

  @Test
  void aFailingProbeCountsAsNotLow() {
    DiskGuard guard =
        new DiskGuard(
            () -> {
              throw new IllegalStateException("cannot measure");
            },
            50,
            Duration.ofHours(1),
            changes::add);

    assertThat(guard.checkNow()).isFalse();
    assertThat(guard.lastFreeBytes()).isEqualTo(-1);
  }

  @Test
  void sizesParseAndFormatInBinaryUnits() {
    assertThat(ByteSizes.parse("10g")).isEqualTo(10L << 30);
    assertThat(ByteSizes.parse("512MiB")).isEqualTo(512L << 20);
    assertThat(ByteSizes.parse("1500")).isEqualTo(1500);
    assertThat(ByteSizes.format(10L << 30)).isEqualTo("10g");
    assertThat(ByteSizes.format(1536L << 20)).isEqualTo("1536m");
    assertThat(ByteSizes.format(0)).isEqualTo("0");
  }
}
