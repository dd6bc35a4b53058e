package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvHelpersTest {
  @TempDir Path tmp;

  @Test
  void columnTypesConvertStrictlyAndNameTheProblem() {
    assertThat(ColumnType.parse("long").convert("-42").cel()).isEqualTo(-42L);
    assertThat(ColumnType.parse("decimal").convert("0.10").text()).isEqualTo("0.10");
    assertThat(
            ColumnType.parse("timestamp:yyyy-MM-dd'T'HH:mm:ss")
                .convert("2024-03-01T10:00:00")
                .text())
        .isEqualTo("2024-03-01T10:00");
    assertThatThrownBy(() -> ColumnType.parse("int").convert("3000000000"))
        .hasMessage("'3000000000' is not an int");
    assertThatThrownBy(() -> ColumnType.parse("boolean").convert("yes"))
        .hasMessageContaining("is not a boolean");
    assertThatThrownBy(() -> ColumnType.parse("date")).hasMessageContaining("needs a pattern");
    assertThatThrownBy(() -> ColumnType.parse("decimal").convert("1e400"))
        .hasMessageContaining("not a decimal");
  }

  @Test
  void rejectLimitsAreCountsOrPercentages() {
    RejectLimit count = RejectLimit.TYPE.convert(2);
    assertThat(count.exceededSoFar(2, 2)).isFalse();
    assertThat(count.exceededSoFar(3, 3)).isTrue();
    RejectLimit percent = RejectLimit.TYPE.convert("1%");
    assertThat(percent.exceededSoFar(50, 100)).as("judged at the end only").isFalse();
    assertThat(percent.exceededSoFar(1_000_000, 1_000_000)).as("judged at the end only").isFalse();
    assertThat(percent.exceededAtEnd(50, 100)).isTrue();
    assertThat(percent.exceededAtEnd(10, 1000)).isFalse();
    assertThat(percent.exceededAtEnd(11, 1000)).isTrue();
    assertThat(percent.isPercentage()).isTrue();
    assertThat(count.isPercentage()).isFalse();
    assertThat(percent).hasToString("1%");
    assertThatThrownBy(() -> RejectLimit.TYPE.convert("x%")).hasMessageContaining("percentage");
    assertThatThrownBy(() -> RejectLimit.TYPE.convert(-1)).hasMessageContaining("0 or more");
  }

  @Test
  void duplicateFilterSpillsAndKeepsFirstsInOrder() throws Exception {
    List<String[]> kept = new ArrayList<>();
    Set<String> expected = new LinkedHashSet<>();
    try (DuplicateFilter filter = new DuplicateFilter(10, tmp.resolve("spill"))) {
      for (int i = 0; i < 1000; i++) {
        String key = Integer.toString((i * 7919) % 301);
        String[] row = {key, Integer.toString(i), i % 2 == 0 ? null : "odd"};
        expected.add(key);
        if (filter.offer(new String[] {key}, row) == DuplicateFilter.Verdict.FIRST) kept.add(row);
      }
      assertThat(filter.spilled()).isPositive();
      filter.drainSpilled(kept::add);
      assertThat(filter.duplicates()).isEqualTo(1000 - 301);
      assertThat(Files.list(tmp.resolve("spill")).toList()).isEmpty();
    }
    assertThat(kept).extracting(r -> r[0]).containsExactlyElementsOf(expected);
    assertThat(kept).extracting(r -> Integer.parseInt(r[1])).isSorted();
    assertThat(kept.get(0)[2]).isNull();
    assertThat(tmp.resolve("spill")).doesNotExist();
  }

  @Test
  void keyHashTellsNullEmptyAndSplitsApart() {
    KeyHash a = new KeyHash().of(new String[] {null});
    KeyHash b = new KeyHash().of(new String[] {""});
    assertThat(a.h1()).isNotEqualTo(b.h1());
    KeyHash c = new KeyHash().of(new String[] {"ab", "c"});
    KeyHash d = new KeyHash().of(new String[] {"a", "bc"});
    assertThat(c.h1() == d.h1() && c.h2() == d.h2()).isFalse();
  }

  @Test
  void numericTextIsANumberOnlyWhenItLooksLikeOne() {
    assertThat(NumericText.of("-1.5e3")).isInstanceOf(Number.class).hasToString("-1.5e3");
    assertThat(NumericText.of("12a")).isEqualTo("12a");
    assertThat(NumericText.of(null)).isNull();
  }

  @Test
  void strictTextReaderHandsOnTheGoodTextThenNamesTheLineAndOffsetOfTheBadBytes() throws Exception {
    byte[] bytes = {'a', '\r', '\n', 'b', '\r', 'c', '\n', 'd', (byte) 0xE2, (byte) 0x82};
    var reader =
        new StrictTextReader(
            new java.io.ByteArrayInputStream(bytes), java.nio.charset.StandardCharsets.UTF_8, 4);
    StringBuilder text = new StringBuilder();
    char[] buffer = new char[3];
    assertThatThrownBy(
            () -> {
              for (int n; (n = reader.read(buffer, 0, buffer.length)) >= 0; )
                text.append(buffer, 0, n);
            })
        .isInstanceOf(StrictTextReader.UndecodableTextException.class)
        .hasMessage("not valid UTF-8 text on line 4 (byte offset 8: bytes E282)");
    assertThat(text).hasToString("a\r\nb\rc\nd");
  }

  @Test
  void recordSizeGuardCountsFieldsOutsideQuotesOnly() throws Exception {
    String quotedCommas = "a,\"" + ",".repeat(2000) + "\"\n";
    var ok = new RecordSizeGuard(new java.io.StringReader(quotedCommas), 65536, ',', '"', null, 1);
    assertThat(ok.read(new char[8192], 0, 8192)).isEqualTo(quotedCommas.length());
    String fields = "x\n" + "a,".repeat(2000) + "\n";
    var tooMany = new RecordSizeGuard(new java.io.StringReader(fields), 65536, ',', '"', null, 1);
    assertThatThrownBy(() -> tooMany.read(new char[8192], 0, 8192))
        .isInstanceOf(RecordSizeGuard.RecordTooLargeException.class)
        .hasMessageContaining("starting at line 2");
  }
}
