package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.SystemTools;
import dev.locality.activities.stages.TestFiles;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input, operation and output options of transform-csv beyond select/rename/filter. */
class TransformCsvOptionsTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new TransformCsvStage(), tmp);
  }

  @Test
  void quoteEscapeAndCommentsOfTheInput() throws Exception {
    var run =
        runner()
            .option("delimiter", "|")
            .option("quote", "'")
            .option("escape", "\\")
            .option("commentMarker", "#")
            .input("x.csv", "# exported today\na|b\n'x|y'|it\\'s\n# end\n")
            .run();
    assertThat(run.text("x.csv")).isEqualTo("a,b\nx|y,it's\n");
    assertThat(run.metrics().rowsIn()).isEqualTo(1);
  }

  @Test
  void givenHeaderNamesMeanTheFileHasNoHeaderRowAndSkipLinesCountsInLineNumbers() throws Exception {
    var run =
        runner()
            .option("header", List.of("id", "name"))
            .option("skipLines", 2)
            .input("x.csv", "report\n(c) someone\n1,a\n2\n3,c\n")
            .run();
    assertThat(run.text("x.csv")).isEqualTo("id,name\n1,a\n3,c\n");
    assertThat(run.text("x.rejects.csv")).contains("4,\"has 1 field, header has 2\",2");
  }

  @Test
  void otherEncodingsAreDecodedAndOutputIsUtf8() throws Exception {
    byte[] latin1 = "city\nK\u00f6ln\n".getBytes(StandardCharsets.ISO_8859_1);
    var run = runner().option("encoding", "ISO-8859-1").input("x.csv", latin1).run();
    assertThat(run.file("x.csv")).hasContent("city\nK\u00f6ln\n");
    byte[] utf16 = "\uFEFFa\n1\n".getBytes(StandardCharsets.UTF_16LE);
    var run16 =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("16"))
            .option("encoding", "UTF-16LE")
            .input("y.csv", utf16)
            .run();
    assertThat(run16.text("y.csv")).isEqualTo("a\n1\n");
  }

  @Test
  void typesValidateNormaliseAndReachCelTyped() throws Exception {
    String csv =
        "id,price,ok,day,at\n"
            + "007,1.50,TRUE,31.01.2024,2024-01-31 14:00 +0100\n"
            + "8,2e3,false,01.02.2024,2024-02-01 00:30 +0000\n"
            + "x,1,true,01.02.2024,2024-02-01 00:30 +0000\n"
            + "9,1,true,30.02.2024,2024-02-01 00:30 +0000\n";
    var run =
        runner()
            .option(
                "types",
                Map.of(
                    "id", "int",
                    "price", "decimal",
                    "ok", "boolean",
                    "day", "date:dd.MM.yyyy",
                    "at", "timestamp:yyyy-MM-dd HH:mm Z"))
            .option("filter", "id > 1 && price >= 1.5 && day >= '2024-01-01' && ok == ok")
            .input("t.csv", csv)
            .run();
    assertThat(run.text("t.csv"))
        .isEqualTo(
            "id,price,ok,day,at\n"
                + "7,1.50,true,2024-01-31,2024-01-31T13:00Z\n"
                + "8,2000,false,2024-02-01,2024-02-01T00:30Z\n");
    assertThat(run.text("t.rejects.csv"))
        .contains("4,column 'id': 'x' is not an int")
        .contains("5,column 'day': '30.02.2024' is not a date like dd.MM.yyyy");
    assertThat(run.metrics()).extracting(StageMetrics::rowsRejected).isEqualTo(2L);
  }

  @Test
  void trimHappensBeforeTypesAndCanBeLimitedToColumns() throws Exception {
    var all =
        runner()
            .option("trim", true)
            .option("types", Map.of("n", "int"))
            .input("a.csv", "n,s\n 12 , x \n")
            .run();
    assertThat(all.text("a.csv")).isEqualTo("n,s\n12,x\n");
    var some =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("b"))
            .option("trim", List.of("n"))
            .input("b.csv", "n,s\n 12 , x \n")
            .run();
    assertThat(some.text("b.csv")).isEqualTo("n,s\n12,\" x \"\n");
  }

  @Test
  void emptyAsNullAndNullValueGiveCelNullsWrittenAsNullValue() throws Exception {
    var run =
        runner()
            .option("emptyAsNull", true)
            .option("nullValue", "\\N")
            .option("types", Map.of("n", "int"))
            .option("filter", "n == null || n > 1")
            .option("derive", ordered("has_n", "n != null", "twice", "n != null ? n * 2 : -1"))
            .input("n.csv", "n,s\n,a\n\\N,b\n1,c\n5,\n")
            .run();
    assertThat(run.text("n.csv"))
        .isEqualTo("n,s,has_n,twice\n\\N,a,false,-1\n\\N,b,false,-1\n5,\\N,true,10\n");
    assertThat(run.metrics().rowsFiltered()).isEqualTo(1);
  }

  @Test
  void aNullBoolInAndOrFollowsCelsErrorAbsorbingLogicOnEveryJdk() throws Exception {
    // the standard CEL runtime (once used on JDK 17) rejected these rows, the planner (JDK 21+)
    // kept them: the filter's rows must not depend on the worker's JDK
    var run =
        runner()
            .option("emptyAsNull", true)
            .option("types", Map.of("b", "bool"))
            .option("filter", "b || true")
            .input("b.csv", "b,s\n,a\ntrue,b\nfalse,c\n")
            .run();
    assertThat(run.metrics().rowsOut()).isEqualTo(3);
    assertThat(run.metrics().rowsRejected()).isZero();
    var and =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("and"))
            .option("emptyAsNull", true)
            .option("types", Map.of("b", "bool"))
            .option("filter", "b && false")
            .input("b.csv", "b,s\n,a\ntrue,b\n")
            .run();
    assertThat(and.metrics().rowsFiltered()).isEqualTo(2);
    assertThat(and.metrics().rowsRejected()).isZero();
  }

  @Test
  void usingANullInAnOperationRejectsTheRow() throws Exception {
    var run =
        runner()
            .option("emptyAsNull", true)
            .option("filter", "s.startsWith('a')")
            .input("n.csv", "s\nab\n\nbc\n")
            .run();
    // an empty line is skipped by the parser; a quoted empty field is a null
    assertThat(run.text("n.csv")).isEqualTo("s\nab\n");
    var nulls =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("q"))
            .option("emptyAsNull", true)
            .option("filter", "s.startsWith('a')")
            .input("q.csv", "s,t\nab,1\n,2\n")
            .run();
    assertThat(nulls.text("q.rejects.csv")).contains("3,filter: ").contains("startsWith");
  }

  @Test
  void deriveAppendsColumnsOnKeptRowsOnly() throws Exception {
    var run =
        runner()
            .option("types", Map.of("amount", "decimal"))
            .option("filter", "amount > 1.0")
            .option(
                "derive",
                ordered(
                    "cents", "int(amount * 100.0)",
                    "label", "region.lowerAscii() + '-' + string(int(amount))",
                    "ratio", "amount / 4.0"))
            .option("select", List.of("region"))
            .input("d.csv", "region,amount\nEU,2.5\nUS,0.5\nAS,x\n")
            .option("maxRejects", 5)
            .run();
    assertThat(run.text("d.csv")).isEqualTo("region,cents,label,ratio\nEU,250,eu-2,0.625\n");
    assertThat(run.metrics()).isEqualTo(new StageMetrics(33, 43, 3, 1, 1, 1));
  }

  @Test
  void deriveErrorsRejectTheRow() throws Exception {
    var run =
        runner().option("derive", Map.of("n2", "int(n) * 2")).input("d.csv", "n\n2\nabc\n").run();
    assertThat(run.text("d.csv")).isEqualTo("n,n2\n2,4\n");
    assertThat(run.text("d.rejects.csv")).contains("3,\"derive 'n2': ");
  }

  @Test
  void dedupeKeepsTheFirstRowPerKeyInInputOrder() throws Exception {
    String csv = "k,v\na,1\nb,2\na,3\nc,4\nb,5\nd,6\n";
    var run = runner().option("dedupe", List.of("k")).input("d.csv", csv).run();
    assertThat(run.text("d.csv")).isEqualTo("k,v\na,1\nb,2\nc,4\nd,6\n");
    assertThat(run.metrics()).isEqualTo(new StageMetrics(csv.length(), 20, 6, 4, 2, 0));
  }

  @Test
  void dedupeSpillingToDiskGivesTheSameResultAndLeavesNoTempFiles() throws Exception {
    StringBuilder csv = new StringBuilder("k,v,w\n");
    StringBuilder expected = new StringBuilder("k,v,w\n");
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 5000; i++) {
      String k = "key" + random.nextInt(700);
      String w = random.nextInt(3) == 0 ? "" : "w";
      csv.append(k).append(',').append(i).append(',').append(w).append('\n');
      if (seen.add(k + "|" + w))
        expected.append(k).append(',').append(i).append(',').append(w).append('\n');
    }
    var run =
        runner()
            .workerSetting(TransformCsvOptions.DEDUPE_MEMORY_KEYS.name(), "50")
            .option("dedupe", List.of("k", "w"))
            .input("d.csv", csv.toString())
            .run();
    assertThat(run.text("d.csv")).isEqualTo(expected.toString());
    assertThat(run.metrics().rowsOut()).isEqualTo(seen.size());
    assertThat(run.metrics().rowsFiltered()).isEqualTo(5000 - seen.size());
    assertThat(TestFiles.filesIn(run.file(".")))
        .extracting(p -> p.getFileName().toString())
        .containsExactly("d.csv");
  }

  @Test
  void dedupeOnADerivedColumn() throws Exception {
    var run =
        runner()
            .option("derive", Map.of("lower", "name.lowerAscii()"))
            .option("dedupe", "lower")
            .option("select", "name")
            .input("d.csv", "name\nAnna\nANNA\nBob\n")
            .run();
    assertThat(run.text("d.csv")).isEqualTo("name,lower\nAnna,anna\nBob,bob\n");
  }

  @Test
  void outputDelimiterQuoteModesHeaderAndLineEnding() throws Exception {
    String csv = "a,b,c\n1,x y,\"q\"\"\"\n-2.5,3e2,\"p;q\"\n";
    assertThat(output(Map.of("outputDelimiter", ";", "quoteMode", "all"), csv))
        .isEqualTo("\"a\";\"b\";\"c\"\n\"1\";\"x y\";\"q\"\"\"\n\"-2.5\";\"3e2\";\"p;q\"\n");
    assertThat(output(Map.of("quoteMode", "non-numeric", "outputHeader", false), csv))
        .isEqualTo("1,\"x y\",\"q\"\"\"\n-2.5,3e2,\"p;q\"\n");
    assertThat(output(Map.of("quoteMode", "none", "lineEnding", "crlf"), "a,b\n\"x,y\",z\n"))
        .isEqualTo("a,b\r\nx\\,y,z\r\n");
  }

  @Test
  void outputCompressionAddsTheSuffix() throws Exception {
    var gz = runner().option("outputCompression", "gzip").input("x.csv", "a\n1\n").run();
    assertThat(gz.outputNames()).containsExactly("x.csv.gz");
    // read back by the system tools, not by the library that wrote them
    assertThat(SystemTools.decompress("gzip", gz.file("x.csv.gz")))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("a\n1\n");
    assertThat(gz.metrics().bytesOut()).isEqualTo(Files.size(gz.file("x.csv.gz")));
    var zst =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("z"))
            .option("outputCompression", "zstd")
            .input("x.csv", "a\n1\n2\n")
            .run();
    assertThat(zst.outputNames()).containsExactly("x.csv.zst");
    assertThat(zst.outputs().get(0).rows()).isEqualTo(2);
    assertThat(SystemTools.decompress("zstd", zst.file("x.csv.zst")))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("a\n1\n2\n");
  }

  @Test
  void aRejectPercentageIsJudgedOverAllRowsAtTheEnd() throws Exception {
    // 1 bad row of 20 = 5%: within 10%, even though it is the first row
    StringBuilder csv = new StringBuilder("a,b\n1\n");
    for (int i = 0; i < 19; i++) csv.append(i).append(",x\n");
    var run = runner().option("maxRejects", "10%").input("p.csv", csv.toString()).run();
    assertThat(run.metrics().rowsRejected()).isEqualTo(1);
    var error =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("p"))
            .option("maxRejects", "4.9%")
            .input("p.csv", csv.toString())
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("1 of 20 rows in all inputs (5%)")
        .hasMessageContaining("maxRejects=4.9%")
        .hasMessageContaining("p.csv line 2: has 1 field");
  }

  @Test
  void validationReportsCrossOptionProblemsOnce() {
    var problems =
        runner()
            .option("quote", ",")
            .option("types", Map.of("n", "int", "d", "date:"))
            .option("filter", "n.startsWith('1')")
            .option("derive", Map.of("x", "n +"))
            .option("header", List.of("n", "n"))
            .validate();
    assertThat(problems)
        .extracting(p -> p.key())
        .containsExactlyInAnyOrder("quote", "types", "filter", "derive", "header");
    assertThat(runner().option("maxRejects", "150%").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("between 0% and 100%"));
    assertThat(runner().option("types", Map.of("n", "int")).option("filter", "n > 2").validate())
        .isEmpty();
  }

  /** A map in the given order, as YAML gives it. */
  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2)
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  private String output(Map<String, Object> options, String csv) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "o");
    StageTestRunner runner = StageTestRunner.of(new TransformCsvStage(), dir).input("o.csv", csv);
    options.forEach(runner::option);
    return runner.run().text("o.csv");
  }
}
