package dev.locality.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatsTest {
  @Test
  void durationsPickTheLargestSensibleUnit() {
    assertThat(Formats.duration(0)).isEqualTo("0ms");
    assertThat(Formats.duration(850)).isEqualTo("850ms");
    assertThat(Formats.duration(12_340)).isEqualTo("12.3s");
    assertThat(Formats.duration(245_000)).isEqualTo("4m05s");
    assertThat(Formats.duration(3_720_000)).isEqualTo("1h02m");
    assertThat(Formats.duration(-1)).isEqualTo("-");
  }

  @Test
  void bytesUseBinaryUnits() {
    assertThat(Formats.bytes(999)).isEqualTo("999 B");
    assertThat(Formats.bytes(1_536)).isEqualTo("1.5 KiB");
    assertThat(Formats.bytes(5_242_880)).isEqualTo("5.0 MiB");
    assertThat(Formats.bytes(3L << 40)).isEqualTo("3.0 TiB");
    assertThat(Formats.bytes(-1)).isEqualTo("-");
  }

  @Test
  void unknownRowCountsShowAsDash() {
    assertThat(Formats.count(-1)).isEqualTo("-");
    assertThat(Formats.count(0)).isEqualTo("0");
    assertThat(Formats.count(42_049)).isEqualTo("42049");
  }
}
