package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.testkit.StageTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code output: {format: jsonl|parquet}} of transform-csv, read back by independent readers:
 * Python's {@code json} module for JSON Lines, DuckDB for Parquet; every value is compared.
 */
class TransformCsvFormatsTest {
  /** Hostile text: quotes, backslash, line breaks, control characters, non-ASCII, U+2028. */
  private static final String CSV =
      "id,big,price,exact,flag,day,at,at_utc,note\n"
          + "1,9000000000,1.50,12.5,true,31.01.2024,2024-01-31 13:45:07.123456,"
          + "2024-01-31 13:45:00 +0100,plain\n"
          + "-2147483648,-9223372036854775808,-0.001,-99999999.99,FALSE,29.02.2024,"
          + "1969-12-31 23:59:59.999999,1970-01-01 00:00:00 +0000,\"q\"\"uote, back\\slash\"\n"
          + "2147483647,9223372036854775807,2e3,0,true,01.01.0001,9999-12-31 23:59:59,"
          + "2000-02-29 12:00:00 -0530,\"line\nbreak\ttab\u0001ctl \u00fc\u20ac\ud83d\ude00 \u2028\"\n"
          + ",,,,,,,,\n";

  private static final Map<String, String> TYPES = types();

  @TempDir Path tmp;

  private static Map<String, String> types() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("id", "int");
    t.put("big", "long");
    t.put("price", "decimal(38,10)");
    t.put("exact", "decimal(10,2)");
    t.put("flag", "boolean");
    t.put("day", "date:dd.MM.yyyy");
    t.put("at", "timestamp:yyyy-MM-dd HH:mm:ss[.SSSSSS]");
    t.put("at_utc", "timestamp:yyyy-MM-dd HH:mm:ss Z");
    return t;
  }

  private StageTestRunner runner() {
    return StageTestRunner.of(new TransformCsvStage(), tmp);
  }

  @Test
  void jsonLinesHoldTypedValuesNullsAndEscapedTextAsPythonReadsThem() throws Exception {
    var run =
        runner()
            .option("types", TYPES)
            .option("emptyAsNull", true)
            .option("output", Map.of("format", "jsonl"))
            .input("in.csv", CSV)
            .run();
    assertThat(run.outputNames()).containsExactly("in.jsonl");
    assertThat(run.metrics().rowsOut()).isEqualTo(4);
    Path file = run.file("in.jsonl");
    assertThat(Files.readString(file)).endsWith("}\n").doesNotContain("\n\n");
    // Python's json module, numbers kept as their exact text: I:<int> and D:<decimal>
    String python =
        String.join(
            "\n",
            "import json, sys",
            "text = open(sys.argv[1], encoding='utf-8', newline='').read()",
            "lines = text.split('\\n')",
            "assert lines[-1] == '', 'no newline at the end'",
            "rows = [json.loads(l, parse_int=lambda s: 'I:' + s, parse_float=lambda s: 'D:' + s)"
                + " for l in lines[:-1]]",
            "print(json.dumps(rows, ensure_ascii=True))");
    String parsed = python(python, file);
    List<Map<String, Object>> expected = new ArrayList<>();
    expected.add(
        row(
            "I:1",
            "I:9000000000",
            "D:1.5000000000",
            "D:12.50",
            true,
            "2024-01-31",
            "2024-01-31T13:45:07.123456",
            "2024-01-31T12:45Z",
            "plain"));
    expected.add(
        row(
            "I:-2147483648",
            "I:-9223372036854775808",
            "D:-0.0010000000",
            "D:-99999999.99",
            false,
            "2024-02-29",
            "1969-12-31T23:59:59.999999",
            "1970-01-01T00:00Z",
            "q\"uote, back\\slash"));
    expected.add(
        row(
            "I:2147483647",
            "I:9223372036854775807",
            "D:2000.0000000000",
            "D:0.00",
            true,
            "0001-01-01",
            "9999-12-31T23:59:59",
            "2000-02-29T17:30Z",
            "line\nbreak\ttab\u0001ctl \u00fc\u20ac\ud83d\ude00 \u2028"));
    expected.add(row(null, null, null, null, null, null, null, null, null));
    // Python's canonical (ASCII) dump read back as objects: the comparison is of values
    List<?> pythonRows =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(parsed, List.class);
    assertThat(pythonRows).isEqualTo(expected);
  }

  @Test
  void parquetHoldsEveryValueTypedAsDuckDbReadsIt() throws Exception {
    var run =
        runner()
            .option("types", TYPES)
            .option("emptyAsNull", true)
            .option("output", Map.of("format", "parquet"))
            .input("in.csv", CSV)
            .run();
    assertThat(run.outputNames()).containsExactly("in.parquet");
    Path file = run.file("in.parquet");
    String f = DuckDb.literal(file);
    assertThat(
            DuckDb.query("select column_name, column_type from (describe select * from " + f + ")"))
        .containsExactly(
            List.of("id", "INTEGER"),
            List.of("big", "BIGINT"),
            List.of("price", "DECIMAL(38,10)"),
            List.of("exact", "DECIMAL(10,2)"),
            List.of("flag", "BOOLEAN"),
            List.of("day", "DATE"),
            List.of("at", "TIMESTAMP"),
            List.of("at_utc", "TIMESTAMP WITH TIME ZONE"),
            List.of("note", "VARCHAR"));
    List<List<String>> rows =
        DuckDb.query(
            "select id::varchar, big::varchar, price::varchar, exact::varchar, flag::varchar,"
                + " day::varchar, epoch_us(\"at\")::varchar, epoch_us(at_utc)::varchar, note from "
                + f);
    assertThat(rows)
        .containsExactly(
            List.of(
                "1",
                "9000000000",
                "1.5000000000",
                "12.50",
                "true",
                "2024-01-31",
                "1706708707123456",
                "1706705100000000",
                "plain"),
            List.of(
                "-2147483648",
                "-9223372036854775808",
                "-0.0010000000",
                "-99999999.99",
                "false",
                "2024-02-29",
                "-1",
                "0",
                "q\"uote, back\\slash"),
            List.of(
                "2147483647",
                "9223372036854775807",
                "2000.0000000000",
                "0.00",
                "true",
                "0001-01-01",
                "253402300799000000",
                "951845400000000",
                "line\nbreak\ttab\u0001ctl \u00fc\u20ac\ud83d\ude00 \u2028"),
            nulls(9));
    assertThat(run.outputs().get(0).rows()).isEqualTo(4);
    assertThat(run.metrics().bytesOut()).isEqualTo(Files.size(file));
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd", "snappy", "gzip", "none"})
  void everyCodecIsReadableAndRecordedInTheFooter(String codec) throws Exception {
    StringBuilder csv = new StringBuilder("n,text\n");
    for (int i = 0; i < 20_000; i++) csv.append(i).append(",row ").append(i % 97).append('\n');
    var run =
        runner()
            .option("types", Map.of("n", "long"))
            .option("output", Map.of("format", "parquet", "codec", codec))
            .input("c.csv", csv.toString())
            .run();
    String f = DuckDb.literal(run.file("c.parquet"));
    assertThat(DuckDb.query("select count(*), sum(n), count(distinct text) from " + f))
        .containsExactly(List.of("20000", "199990000", "97"));
    String expected = codec.equals("none") ? "UNCOMPRESSED" : codec.toUpperCase();
    assertThat(DuckDb.query("select distinct compression from parquet_metadata(" + f + ")"))
        .containsExactly(List.of(expected));
  }

  @Test
  void rowGroupsFollowTheOptionCappedByTheWorkerSetting() throws Exception {
    StringBuilder csv = new StringBuilder("n,text\n");
    for (int i = 0; i < 200_000; i++)
      csv.append(i).append(",").append(Integer.toHexString(i * 31)).append(i).append('\n');
    var small =
        runner()
            .option("types", Map.of("n", "long"))
            .option("output", Map.of("format", "parquet", "codec", "none", "rowGroupSize", "256k"))
            .input("a.csv", csv.toString())
            .run();
    long groups = rowGroups(small.file("a.parquet"));
    assertThat(groups).isGreaterThan(4);
    Path capped = tmp.resolve("capped");
    Files.createDirectories(capped);
    var cappedRun =
        StageTestRunner.of(new TransformCsvStage(), capped)
            .option("types", Map.of("n", "long"))
            .option("output", Map.of("format", "parquet", "codec", "none", "rowGroupSize", "1g"))
            .workerSetting("parquetBufferBytes", "1m")
            .input("a.csv", csv.toString())
            .run();
    long cappedGroups = rowGroups(cappedRun.file("a.parquet"));
    assertThat(cappedGroups).isGreaterThan(1);
    assertThat(
            DuckDb.query(
                "select count(*), sum(n) from " + DuckDb.literal(cappedRun.file("a.parquet"))))
        .containsExactly(List.of("200000", "19999900000"));
  }

  @Test
  void aValueThatDoesNotFitItsDecimalGoesToTheRejectsWithItsReason() throws Exception {
    var run =
        runner()
            .option("types", Map.of("amount", "decimal(5,2)"))
            .option("output", Map.of("format", "parquet"))
            .input("d.csv", "amount\n1.5\n1.234\n123456\n999.99\n")
            .run();
    assertThat(DuckDb.query("select amount::varchar from " + DuckDb.literal(run.file("d.parquet"))))
        .containsExactly(List.of("1.50"), List.of("999.99"));
    assertThat(run.text("d.rejects.csv"))
        .isEqualTo(
            "line,reason,raw\n"
                + "3,\"column 'amount': '1.234' has more than 2 decimal places for decimal(5,2)\","
                + "1.234\n"
                + "4,\"column 'amount': '123456' has more than 5 digits for decimal(5,2)\","
                + "123456\n");
    assertThat(run.metrics().rowsRejected()).isEqualTo(2);
  }

  @Test
  void csvOutputOfADeclaredDecimalIsAtItsScale() throws Exception {
    var run =
        runner()
            .option("types", Map.of("amount", "decimal(6,2)"))
            .input("d.csv", "amount\n1.5\n-3\n")
            .run();
    assertThat(run.text("d.csv")).isEqualTo("amount\n1.50\n-3.00\n");
  }

  @Test
  void derivedAndUntypedColumnsAreStringsAndNullsStayNull() throws Exception {
    var run =
        runner()
            .option("nullValue", "NA")
            .option("derive", Map.of("twice", "a + a"))
            .option("output", Map.of("format", "parquet"))
            .input("s.csv", "a,b\nx,NA\ny,z\n")
            .run();
    String f = DuckDb.literal(run.file("s.parquet"));
    assertThat(DuckDb.query("select column_type from (describe select * from " + f + ")"))
        .containsExactly(List.of("VARCHAR"), List.of("VARCHAR"), List.of("VARCHAR"));
    assertThat(DuckDb.query("select a, b, twice from " + f))
        .containsExactly(Arrays.asList("x", null, "xx"), List.of("y", "z", "yy"));
  }

  @Test
  void oddColumnNamesSurviveInParquetAndJsonLines() throws Exception {
    String csv = ",a.b,\u00e9t\u00e9 \"x\",x y\n1,2,3,4\n";
    var parquet = runner().option("output", Map.of("format", "parquet")).input("n.csv", csv).run();
    assertThat(
            DuckDb.query(
                "select name from parquet_schema("
                    + DuckDb.literal(parquet.file("n.parquet"))
                    + ") where name <> 'row'"))
        .containsExactly(
            List.of(""), List.of("a.b"), List.of("\u00e9t\u00e9 \"x\""), List.of("x y"));
    Path json = tmp.resolve("json");
    Files.createDirectories(json);
    var jsonl =
        StageTestRunner.of(new TransformCsvStage(), json)
            .option("output", Map.of("format", "jsonl"))
            .input("n.csv", csv)
            .run();
    assertThat(jsonl.text("n.jsonl"))
        .isEqualTo("{\"\":\"1\",\"a.b\":\"2\",\"\u00e9t\u00e9 \\\"x\\\"\":\"3\",\"x y\":\"4\"}\n");
  }

  @Test
  void anEmptyInputGivesAParquetFileWithTheSchemaAndNoRows() throws Exception {
    var run =
        runner()
            .option("types", Map.of("n", "int"))
            .option("output", Map.of("format", "parquet"))
            .input("e.csv", "n,s\n")
            .run();
    String f = DuckDb.literal(run.file("e.parquet"));
    assertThat(DuckDb.query("select count(*) from " + f)).containsExactly(List.of("0"));
    assertThat(DuckDb.query("select column_type from (describe select * from " + f + ")"))
        .containsExactly(List.of("INTEGER"), List.of("VARCHAR"));
  }

  @Test
  void jsonLinesAreCompressedByOutputCompression() throws Exception {
    var run =
        runner()
            .option("output", Map.of("format", "jsonl"))
            .option("outputCompression", "gzip")
            .input("z.csv", "a\n1\n")
            .run();
    assertThat(run.outputNames()).containsExactly("z.jsonl.gz");
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(run.file("z.jsonl.gz")))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("{\"a\":\"1\"}\n");
    }
  }

  @Test
  void misusedOutputOptionsAreRefusedBeforeAnyRow() {
    assertThat(problems(Map.of("output", Map.of("format", "xml"))))
        .containsExactly("output: format: unknown format 'xml' (known: csv, jsonl, parquet)");
    assertThat(problems(Map.of("output", Map.of("format", "csv", "codec", "zstd"))))
        .containsExactly(
            "output: codec is for Parquet output; compress csv files with outputCompression");
    assertThat(problems(Map.of("output", Map.of("format", "parquet", "mystery", 1))))
        .singleElement()
        .asString()
        .contains("unknown key 'mystery'");
    assertThat(problems(Map.of("output", Map.of("format", "parquet", "rowGroupSize", "1k"))))
        .containsExactly("output: rowGroupSize: below the minimum 64k");
    assertThat(problems(Map.of("output", Map.of("format", "parquet"), "outputCompression", "gzip")))
        .containsExactly(
            "outputCompression: Parquet files compress their pages themselves: use output.codec"
                + " (gzip) instead");
    assertThat(
            problems(
                Map.of("output", Map.of("format", "parquet"), "types", Map.of("a", "decimal"))))
        .containsExactly(
            "types: column 'a': Parquet output needs the precision and scale of a decimal, e.g."
                + " decimal(18,2)");
    assertThat(problems(Map.of("types", Map.of("a", "decimal(40,2)"))))
        .singleElement()
        .asString()
        .contains("precision from 1 to 38");
  }

  private List<String> problems(Map<String, Object> options) {
    StageTestRunner r = runner();
    options.forEach(r::option);
    return r.validate().stream().map(p -> p.key() + ": " + p.message()).toList();
  }

  private static long rowGroups(Path file) throws Exception {
    return Long.parseLong(
        DuckDb.query(
                "select count(distinct row_group_id) from parquet_metadata("
                    + DuckDb.literal(file)
                    + ")")
            .get(0)
            .get(0));
  }

  private static List<String> nulls(int n) {
    List<String> row = new ArrayList<>();
    for (int i = 0; i < n; i++) row.add(null);
    return row;
  }

  private static Map<String, Object> row(Object... values) {
    String[] names = {"id", "big", "price", "exact", "flag", "day", "at", "at_utc", "note"};
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) row.put(names[i], values[i]);
    return row;
  }

  private static String python(String script, Path file) throws Exception {
    Process p =
        new ProcessBuilder("python3", "-c", script, file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
