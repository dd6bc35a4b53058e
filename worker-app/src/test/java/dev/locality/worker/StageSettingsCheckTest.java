package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.csv.TransformCsvStage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageSettingsCheckTest {
  private static final String SETTING = TransformCsvStage.MAX_CSV_FIELD_BYTES_SETTING;

  @Test
  void maxCsvFieldBytesIsAKnownSizeOfAtLeast64k() {
    assertThat(StageSettingsCheck.KNOWN)
        .anySatisfy(s -> assertThat(s).containsExactly(SETTING, "16m", s[2]));
    assertThat(StageSettingsCheck.problems(Map.of(SETTING, "16m"))).isEmpty();
    assertThat(StageSettingsCheck.problems(Map.of(SETTING, "64k"))).isEmpty();
    assertThat(StageSettingsCheck.problems(Map.of(SETTING, "1k")))
        .containsExactly("stage setting maxCsvFieldBytes: 1k is below the minimum 64k");
    assertThat(StageSettingsCheck.problems(Map.of(SETTING, "huge")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("stage setting maxCsvFieldBytes: 'huge'"));
  }
}
