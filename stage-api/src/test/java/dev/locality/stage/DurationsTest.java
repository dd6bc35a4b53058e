package dev.locality.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesShortAndIsoForms() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void formatIsTheInverseOfParse() {
    for (String s : new String[] {"500ms", "10s", "5m", "1h", "2d", "90s"}) {
      assertThat(Durations.format(Durations.parse(s))).isEqualTo(s.equals("90s") ? "90s" : s);
    }
  }

  @Test
  void rejectsNonsenseWithTheAcceptedForms() {
    assertThatThrownBy(() -> Durations.parse("10 parsecs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("500ms, 10s, 5m, 1h");
  }
}
