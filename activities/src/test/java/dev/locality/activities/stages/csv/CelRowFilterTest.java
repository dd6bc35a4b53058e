package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
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

  @ParameterizedTest(name = "planner={0}")
  @ValueSource(booleans = {false, true})
  void commonFiltersRunAsJavaAndRejectWithCelsMessage(boolean planner) throws Exception {
    List<String> columns = List.of("status", "amount_usd", "city");
    int[] indexes = {0, 1, 2};
    CelRowFilter bench = CelRowFilter.compile("status != \"cancelled\"", columns, indexes, planner);
    CelRowFilter amount =
        CelRowFilter.compile("double(amount_usd) > 100.0", columns, indexes, planner);
    assertThat(bench.compiledToJava()).isTrue();
    assertThat(amount.compiledToJava()).isTrue();
    assertThat(bench.test(row("paid,1,Köln"))).isTrue();
    assertThat(bench.test(row("cancelled,1,Köln"))).isFalse();
    assertThat(amount.test(row("paid,100.5,Köln"))).isTrue();
    CelRowFilter onCel =
        CelRowFilter.compile(
            "double(amount_usd) > 100.0",
            "filter",
            true,
            Map.of("status", 0, "amount_usd", 1, "city", 2),
            Map.of(
                "status",
                SimpleType.STRING,
                "amount_usd",
                SimpleType.STRING,
                "city",
                SimpleType.STRING),
            planner,
            false);
    CSVRecord bad = row("paid,lots,Köln");
    String celMessage = catchThrowable(() -> onCel.test(bad)).getMessage();
    assertThatThrownBy(() -> amount.test(bad))
        .isInstanceOf(CelEvaluationException.class)
        .hasMessage(celMessage);
    assertThat(
            CelRowFilter.compile("city.lowerAscii() == 'köln'", columns, indexes, planner)
                .compiledToJava())
        .isFalse();
  }
}
