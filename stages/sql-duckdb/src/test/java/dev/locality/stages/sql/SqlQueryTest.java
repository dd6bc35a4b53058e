package dev.locality.stages.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong queries and unreadable data: refused as bad input with DuckDB's message, early. */
class SqlQueryTest {
  @TempDir Path tmp;

  private StageTestRunner runner(String query) {
    return StageTestRunner.of(new SqlStage(), tmp.resolve("s" + Math.abs(query.hashCode())))
        .input("orders.csv", "id,state\n1,CA\n2,NY\n")
        .option("query", query);
  }

  @Test
  void aQueryThatDoesNotParseFailsValidationBeforeAnythingRuns() throws Exception {
    List<OptionProblem> problems = runner("selec state from input").validate();
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).key()).isEqualTo("query");
    assertThat(problems.get(0).message())
        .isEqualTo("does not parse: syntax error at or near \"selec\" (DuckDB's parser)");
    // and the worker checks again at stage start
    BadInputException e =
        runner("selec state from input").skippingValidation().runExpectingBadInput();
    assertThat(e.getMessage()).contains("syntax error at or near \"selec\"");
  }

  @Test
  void validationNamesTheStatementThatIsNotASelect() {
    assertThat(runner("CREATE TABLE t AS SELECT 1").validate())
        .extracting(OptionProblem::message)
        .singleElement()
        .asString()
        .startsWith("must be one SELECT query")
        .contains("not a CREATE statement");
    assertThat(runner("-- a comment\n/* another */ insert into x values (1)").validate())
        .extracting(OptionProblem::message)
        .singleElement()
        .asString()
        .contains("not a INSERT statement");
    assertThat(runner("select 1; select 2").validate())
        .extracting(OptionProblem::message)
        .containsExactly("holds 2 statements: give exactly one SELECT query");
    assertThat(runner("  ").validate()).extracting(OptionProblem::key).containsExactly("query");
  }

  @Test
  void selectWithFromFirstAndValuesAreAccepted() throws Exception {
    for (String query :
        List.of(
            "with t as (select state from input) select count(*) c from t",
            "from input select count(*) c",
            "select count(*) c from input;  ",
            "select count(*) c from input -- trailing comment")) {
      var out = runner(query).run();
      assertThat(out.text("orders.csv")).as(query).isEqualTo("c\n2\n");
    }
  }

  @Test
  void anUnknownColumnOrTableIsBadInputWithDuckDbsMessage() throws Exception {
    BadInputException column = runner("select nosuch from input").runExpectingBadInput();
    assertThat(column.getMessage())
        .startsWith("sql: the query failed: Binder Error:")
        .contains("nosuch")
        .contains("LINE 1: select nosuch from input"); // the query as written, not our COPY
    BadInputException table = runner("select * from orders").runExpectingBadInput();
    assertThat(table.getMessage()).contains("Catalog Error").contains("orders");
  }

  @Test
  void anOutputOptionWithAnUnknownFormatOrKeyOrAPathAsNameIsRefused() {
    StageTestRunner r =
        runner("select 1")
            .option("output", Map.of("format", "xlsx", "name", "../up", "compression", "zstd"));
    assertThat(r.validate())
        .extracting(OptionProblem::message)
        .containsExactlyInAnyOrder(
            "unknown key 'compression' (use format and name)",
            "'xlsx' is not an output format: use parquet, csv, jsonl",
            "name '../up' must be a plain file name: letters, digits, '.', '_', '-', not starting"
                + " with '.' or '-', at most 200 characters");
  }

  @Test
  void aCsvRowWithTheWrongFieldCountIsBadInputNamingTheFile() throws Exception {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 50_000; i++) csv.append(i).append(",x\n");
    csv.append("1,2,3\n");
    BadInputException late =
        StageTestRunner.of(new SqlStage(), tmp.resolve("late"))
            .input("ragged.csv", csv.toString())
            .option("query", "select count(*) from input")
            .runExpectingBadInput();
    assertThat(late.getMessage())
        .contains("CSV Error on Line: 50002")
        .contains("Expected Number of Columns: 2 Found: 3");
    // a small file: DuckDB's sniffer already refuses it, naming the file
    BadInputException early =
        StageTestRunner.of(new SqlStage(), tmp.resolve("early"))
            .input("ragged.csv", "a,b\n1,2\n3,4,5\n")
            .option("query", "select count(*) from input")
            .runExpectingBadInput();
    assertThat(early.getMessage()).contains("inputs/ragged.csv").doesNotContain(tmp.toString());
  }

  @Test
  void corruptOrUnsupportedCompressedInputIsBadInput() throws Exception {
    byte[] corruptGzip = {0x1f, (byte) 0x8b, 0x09, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05};
    BadInputException gzip =
        StageTestRunner.of(new SqlStage(), tmp.resolve("gz"))
            .input("x.csv.gz", corruptGzip)
            .option("query", "select count(*) from input")
            .runExpectingBadInput();
    assertThat(gzip.getMessage()).contains("x.csv.gz").contains("GZIP");
    BadInputException bzip2 =
        StageTestRunner.of(new SqlStage(), tmp.resolve("bz"))
            .input("x.csv.bz2", new byte[] {'B', 'Z', 'h', '9', 0, 0})
            .option("query", "select count(*) from input")
            .runExpectingBadInput();
    assertThat(bzip2.getMessage())
        .isEqualTo(
            "sql: inputs/x.csv.bz2 is bzip2-compressed; sql reads gzip and zstd only: add a"
                + " decompress stage before it");
  }

  @Test
  void aQueryThatNeedsMoreMemoryThanTheLimitIsBadInputNamingTheSetting() throws Exception {
    BadInputException e =
        runner("select list(i) l from range(100000000) t(i)")
            .workerSetting("sqlMemoryLimit", "64m")
            .workerSetting("sqlThreads", "1")
            .runExpectingBadInput();
    assertThat(e.getMessage()).contains("Out of Memory Error").contains("sqlMemoryLimit");
  }
}
