package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Stats.median(List.of(7.0))).isEqualTo(7.0);
    assertThat(Stats.median(List.of())).isZero();
  }

  @Test
  void percentileIsNearestRankOfSortedValues() {
    List<Double> hundred = IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList();
    assertThat(Stats.percentile(hundred, 50)).isEqualTo(50.0);
    assertThat(Stats.percentile(hundred, 99)).isEqualTo(99.0);
    assertThat(Stats.percentile(hundred, 100)).isEqualTo(100.0);
    assertThat(Stats.percentile(List.of(10.0, 20.0, 30.0), 99)).isEqualTo(30.0);
    assertThat(Stats.percentile(List.of(10.0, 20.0, 30.0), 0)).isEqualTo(10.0);
    assertThat(Stats.percentile(List.of(), 99)).isZero();
  }

  @Test
  void sortedLeavesItsInputAlone() {
    List<Double> values = new ArrayList<>(List.of(3.0, 1.0, 2.0));
    assertThat(Stats.sorted(values)).containsExactly(1.0, 2.0, 3.0);
    assertThat(values).containsExactly(3.0, 1.0, 2.0);
  }

  @Test
  void mibPerSecond() {
    assertThat(Stats.mibPerSec(50L << 20, 2000)).isCloseTo(25.0, within(1e-9));
    assertThat(Stats.mibPerSec(1L << 20, 0)).isZero();
  }
}
