package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void parsesPlainNumbersAndBinaryUnits() {
    assertThat(ByteSize.parse("1048576")).isEqualTo(1 << 20);
    assertThat(ByteSize.parse("64m")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("100 GB")).isEqualTo(100L << 30);
    assertThat(ByteSize.parse("2t")).isEqualTo(2L << 40);
    assertThat(ByteSize.parse("10b")).isEqualTo(10);
  }

  @Test
  void rejectsOtherText() {
    assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("'lots'");
    assertThatThrownBy(() -> ByteSize.parse("-5m")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteSize.parse("99999999999t")).hasMessageContaining("too large");
  }

  @Test
  void settingsFallBackToTheDefaultAndNameThemselvesWhenMalformed() {
    assertThat(ByteSize.setting(Optional.empty(), "x", 7)).isEqualTo(7);
    assertThatThrownBy(() -> ByteSize.setting(Optional.of("big"), "maxDownloadBytes", 7))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxDownloadBytes");
    assertThat(ByteSize.describe(100L << 30)).isEqualTo("100 GiB (107374182400 bytes)");
    assertThat(ByteSize.describe(1000)).isEqualTo("1000 bytes");
  }
}
