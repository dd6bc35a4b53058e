package dev.locality.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateMeterTest {
  @Test
  void rateComesFromHeartbeatTimesAndRestartsWhenTheCountGoesBack() {
    RateMeter meter = new RateMeter();

    assertThat(meter.observe("a#1", 1_000, 0)).isNaN();
    assertThat(meter.observe("a#1", 1_000, 0)).as("same heartbeat polled twice").isNaN();
    assertThat(meter.observe("a#1", 2_000, 500)).isEqualTo(500.0);
    assertThat(meter.observe("a#1", 3_000, 1_500)).isEqualTo(750.0);
    assertThat(meter.observe("a#1", 4_000, 100)).as("a new attempt started over").isNaN();
  }

  @Test
  void oldSamplesLeaveTheWindow() {
    RateMeter meter = new RateMeter();
    meter.observe("k", 0, 0);
    meter.observe("k", 1_000, 10_000); // a fast start
    for (long t = 2_000; t <= 12_000; t += 1_000) meter.observe("k", t, 10_000 + (t - 1_000));

    assertThat(meter.observe("k", 13_000, 22_000)).isEqualTo(1_000.0);
  }
}
