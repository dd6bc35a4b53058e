package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowIdsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T10:15:00Z"), ZoneOffset.UTC);

  @Test
  void idIsNameThenTimestampThenFourHexDigits() {
    String id = new WorkflowIds(CLOCK, new Random(42)).next("sales-daily");

    assertThat(id).matches("sales-daily-20261125-101500-[0-9a-f]{4}");
  }

  @Test
  void suffixIsZeroPaddedToFourDigits() {
    Random alwaysSmall =
        new Random() {
          @Override
          public int nextInt(int bound) {
            return 0xa;
          }
        };

    assertThat(new WorkflowIds(CLOCK, alwaysSmall).next("p")).isEqualTo("p-20261125-101500-000a");
  }

  @Test
  void idsInTheSameSecondDiffer() {
    WorkflowIds ids = new WorkflowIds(CLOCK, new Random(7));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) seen.add(ids.next("p"));

    assertThat(seen).hasSizeGreaterThan(15);
  }

  @Test
  void usesTheClocksTimeZone() {
    Clock plusTwo = CLOCK.withZone(ZoneOffset.ofHours(2));

    assertThat(new WorkflowIds(plusTwo, new Random(1)).next("p")).startsWith("p-20261125-121500-");
  }
}
