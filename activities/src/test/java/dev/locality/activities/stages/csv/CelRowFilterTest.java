package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.runtime.CelEvaluationException;
import java.io.StringReader;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CelRowFilterTest {
  private static CSVRecord row(String csv) throws Exception {
    return CSVFormat.DEFAULT.parse(new StringReader(csv)).getRecords().get(0);
  }

  @ParameterizedTest(name = "planner={0}")
  @ValueSource(booleans = {false, true})
  void evaluatesOverMappedColumnsWithBothRuntimes(boolean planner) throws Exception {
    CelRowFilter filter =
        CelRowFilter.compile(
            "city.lowerAscii() == 'köln' && int(n) > 2",
            List.of("n", "city"),
            new int[] {2, 0},
            planner);
    assertThat(filter.test(row("Köln,x,5"))).isTrue();
    assertThat(filter.test(row("Bonn,x,5"))).isFalse();
    assertThatThrownBy(() -> filter.test(row("Köln,x,many")))
        .isInstanceOf(CelEvaluationException.class);
  }

  @ParameterizedTest(name = "planner={0}")
  @ValueSource(booleans = {false, true})
  void duplicateColumnNamesAreUndeclared(boolean planner) {
    assertThatThrownBy(
            () -> CelRowFilter.compile("a == ''", List.of("a", "a"), new int[] {0, 1}, planner))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("undeclared reference to 'a'");
  }
}
