package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.upload.UploadStage;
import dev.locality.stage.Artifact;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformCsvStageTest {
  private static final String SALES =
      "region,amount,day\nEU,12.5,mon\nUS,3,tue\nEU,1,wed\n\"EU, West\",20,\"th\"\"u\"\n";

  @TempDir java.nio.file.Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new TransformCsvStage(), tmp);
  }

  @Test
  void selectsRenamesAndFiltersRows() throws Exception {
    var run =
        runner()
            .option("select", List.of("day", "amount", "region"))
            .option("rename", Map.of("day", "weekday"))
            .option("filter", "region.startsWith('EU') && double(amount) > 10.0 && weekday != ''")
            .input("sales.csv", SALES)
            .run();
    assertThat(run.text("sales.csv"))
        .isEqualTo("weekday,amount,region\nmon,12.5,EU\n\"th\"\"u\",20,\"EU, West\"\n");
    assertThat(run.metrics())
        .isEqualTo(new StageMetrics(SALES.length(), run.text("sales.csv").length(), 4, 2, 2, 0));
    assertThat(run.outputs()).singleElement().satisfies(a -> assertThat(a.rows()).isEqualTo(2));
    assertThat(run.file("sales.rejects.csv")).doesNotExist();
  }

  @Test
  void withoutOptionsCopiesTheFileNormalised() throws Exception {
    var run = runner().input("in.csv", "a,b\r\n1,\"x\"\r\n").run();
    assertThat(run.text("in.csv")).isEqualTo("a,b\n1,x\n");
    assertThat(run.metrics().rowsOut()).isEqualTo(1);
  }

  @Test
  void readsOtherDelimitersAndWritesCommas() throws Exception {
    var run = runner().option("delimiter", ";").input("x.csv", "a;b\n1,5;2\n").run();
    assertThat(run.text("x.csv")).isEqualTo("a,b\n\"1,5\",2\n");
  }

  @Test
  void raggedRowsGoToTheRejectsFile() throws Exception {
    String csv = "a,b\n1,2\n3\n4,5,6\n7,8\n";
    var run = runner().input("r.csv", csv).run();
    assertThat(run.text("r.csv")).isEqualTo("a,b\n1,2\n7,8\n");
    assertThat(run.text("r.rejects.csv"))
        .isEqualTo(
            "line,reason,raw\n3,\"has 1 field, header has 2\",3\n"
                + "4,\"has 3 fields, header has 2\",\"4,5,6\"\n");
    assertThat(run.metrics()).isEqualTo(new StageMetrics(csv.length(), 12, 4, 2, 0, 2));
    assertThat(run.outputNames()).containsExactly("r.csv", "r.rejects.csv");
    assertThat(run.outputs()).extracting(Artifact::kind).containsExactly("data", "rejects");
    assertThat(run.outputs().get(1).rows()).isEqualTo(2);
  }

  @Test
  void rejectsTravelToTheUploadNextToTheOutput() throws Exception {
    Path out = tmp.resolve("published");
    var run =
        runner()
            .input("r.csv", "a,b\n1,2\n3\n")
            .run()
            .then(new UploadStage())
            .option("to", out.toUri() + "/{name}.csv")
            .run();
    assertThat(out.resolve("test-pipeline.csv")).hasContent("a,b\n1,2\n");
    assertThat(out.resolve("r.rejects.csv")).content().contains("has 1 field, header has 2");
    assertThat(run.result().outputUris()).hasSize(2);
  }

  @Test
  void filterErrorsRejectTheRowOnly() throws Exception {
    var run =
        runner()
            .option("filter", "double(amount) > 2.0")
            .input("s.csv", "amount\n5\nabc\n1\n")
            .run();
    assertThat(run.text("s.csv")).isEqualTo("amount\n5\n");
    assertThat(run.text("s.rejects.csv")).contains("3,\"filter: ").contains("abc");
    assertThat(run.metrics().rowsRejected()).isEqualTo(1);
    assertThat(run.metrics().rowsFiltered()).isEqualTo(1);
  }

  @Test
  void tooManyRejectsFailNamingTheFirstBadLines() throws Exception {
    var error =
        runner().option("maxRejects", 1).input("r.csv", "a,b\n1\n2,3\n4\n").runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("maxRejects=1")
        .hasMessageContaining("r.csv")
        .hasMessageContaining("line 2: has 1 field")
        .hasMessageContaining("line 4: has 1 field");
  }

  @Test
  void unbalancedQuoteIsBadInputNamingTheLine() throws Exception {
    var error = runner().input("q.csv", "a,b\n1,2\n3,\"open\n5,6\n7,8\n").runExpectingBadInput();
    assertThat(error).hasMessageContaining("q.csv line 3").hasMessageContaining("quote");
  }

  @Test
  void unknownSelectedColumnListsTheAvailableOnes() throws Exception {
    var error =
        runner()
            .option("select", List.of("region", "stat"))
            .input("s.csv", SALES)
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("option 'select'")
        .hasMessageContaining("'stat'")
        .hasMessageContaining("s.csv")
        .hasMessageContaining("region, amount, day");
  }

  @Test
  void unknownRenamedColumnIsBadInput() throws Exception {
    var error =
        runner().option("rename", Map.of("nope", "x")).input("s.csv", SALES).runExpectingBadInput();
    assertThat(error).hasMessageContaining("option 'rename'").hasMessageContaining("'nope'");
  }

  @Test
  void filterOnAnUnknownColumnFailsAtRunTime() throws Exception {
    var error =
        runner().option("filter", "stat == 'x'").input("s.csv", SALES).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("option 'filter'")
        .hasMessageContaining("undeclared reference to 'stat'")
        .hasMessageContaining("s.csv");
  }

  @Test
  void emptyFileIsBadInput() throws Exception {
    var error = runner().input("e.csv", "").runExpectingBadInput();
    assertThat(error).hasMessageContaining("empty file").hasMessageContaining("e.csv");
  }

  @Test
  void invalidUtf8IsBadInput() throws Exception {
    byte[] latin1 = "a\nK\u00f6ln\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    var error = runner().input("l.csv", latin1).runExpectingBadInput();
    assertThat(error).hasMessageContaining("l.csv").hasMessageContaining("UTF-8");
  }

  @Test
  void byteOrderMarkIsNotPartOfTheFirstColumnName() throws Exception {
    var run = runner().option("select", "id").input("b.csv", "\uFEFFid,x\n1,2\n").run();
    assertThat(run.text("b.csv")).isEqualTo("id\n1\n");
  }

  @Test
  void validationReportsBadCelSyntax() {
    var problems = runner().option("filter", "region ==").validate();
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("filter");
              assertThat(p.message()).contains("mismatched input");
            });
  }

  @Test
  void validationTypeChecksTheFilterBeforeTheHeaderIsKnown() {
    assertThat(runner().option("filter", "amount").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("expected type 'bool'"));
    assertThat(runner().option("filter", "amount > 3").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("found no matching overload"));
    assertThat(runner().option("filter", "[1, 2].exists(x, x > 1) && double(a) > 0.5").validate())
        .isEmpty();
  }

  @Test
  void filterSeesUnselectedColumnsUnderTheirNewNames() throws Exception {
    var run =
        runner()
            .option("select", "amount")
            .option("rename", Map.of("day", "weekday", "amount", "eur"))
            .option("filter", "region == 'US' || weekday == 'wed'")
            .input("s.csv", SALES)
            .run();
    assertThat(run.text("s.csv")).isEqualTo("eur\n3\n1\n");
  }

  @Test
  void aRenamedColumnIsNoLongerKnownByItsOldName() throws Exception {
    var error =
        runner()
            .option("rename", Map.of("day", "weekday"))
            .option("filter", "day == 'mon'")
            .input("s.csv", SALES)
            .runExpectingBadInput();
    assertThat(error).hasMessageContaining("undeclared reference to 'day'");
  }

  @Test
  void validationReportsDuplicatesAndBadDelimiter() {
    assertThat(runner().option("select", List.of("a", "a")).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("selected twice"));
    assertThat(
            runner()
                .option("select", List.of("a", "b"))
                .option("rename", Map.of("a", "b"))
                .validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("two output columns would be named 'b'"));
    assertThat(runner().option("delimiter", "ab").validate())
        .extracting(p -> p.key())
        .containsExactly("delimiter");
  }

  @Test
  void rowsCarryTheirRowCountAndHeartbeatsCountRows() throws Exception {
    StringBuilder csv = new StringBuilder("n\n");
    for (int i = 0; i < 1000; i++) csv.append(i).append('\n');
    var run = runner().input("n.csv", csv.toString()).run();
    assertThat(run.outputs().get(0).rows()).isEqualTo(1000);
    assertThat(run.heartbeats())
        .last()
        .satisfies(
            p -> {
              assertThat(p.done()).isEqualTo(1000);
              assertThat(p.unit()).isEqualTo("rows");
            });
  }

  @Test
  void nestedInputsKeepTheirRelativeNames() throws Exception {
    var run = runner().input("2023/jan.csv", "a\n1\n").input("2024/jan.csv", "a\n2\n").run();
    assertThat(run.outputNames()).containsExactly("2023/jan.csv", "2024/jan.csv");
  }
}
