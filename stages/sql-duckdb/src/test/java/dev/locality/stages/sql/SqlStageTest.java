package dev.locality.stages.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sql stage over real files, its results checked with Python and the system's tools. */
class SqlStageTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new SqlStage(), tmp);
  }

  @Test
  void groupByCountsMatchPythonsCsvModule() throws Exception {
    StageTestRunner runner = runner();
    Path input = runner.newInput("orders.csv");
    TestData.orders(input, 20_000, 1);
    var out =
        runner.option("query", "select state, count(*) n from input group by 1 order by 1").run();

    assertThat(out.outputNames()).containsExactly("orders.csv");
    Path result = out.file("orders.csv");
    assertThat(Tools.oracle("group-count", input.toString(), "state", result.toString()))
        .isEqualTo("ok " + TestData.STATES.length + " groups 20000 rows");
    Artifact artifact = out.outputs().get(0);
    assertThat(artifact.rows()).isEqualTo(TestData.STATES.length);
    assertThat(artifact.bytes()).isEqualTo(Files.size(result));
    assertThat(artifact.sha256())
        .isEqualTo(Tools.run("sha256sum", result.toString()).split(" ")[0]);
    assertThat(out.metrics().rowsOut()).isEqualTo(TestData.STATES.length);
    assertThat(out.metrics().bytesIn()).isEqualTo(Files.size(input));
    assertThat(runner.outputDir().resolve(SqlStage.TEMP_DIR)).doesNotExist();
  }

  @Test
  void readsCsvCompressedByTheSystemsGzipAndZstd() throws Exception {
    Path plain = tmp.resolve("orders.csv");
    TestData.orders(plain, 5_000, 2);
    String expected = Tools.oracle("rows", plain.toString());
    Tools.run("gzip", "-k", plain.toString());
    Tools.run("zstd", "-q", plain.toString(), "-o", tmp.resolve("orders.csv.zst").toString());
    Files.copy(tmp.resolve("orders.csv.gz"), tmp.resolve("no-suffix"));
    for (String name : List.of("orders.csv.gz", "orders.csv.zst", "no-suffix")) {
      StageTestRunner runner = StageTestRunner.of(new SqlStage(), tmp.resolve("run-" + name));
      runner.input(name, Files.readAllBytes(tmp.resolve(name)));
      var out = runner.option("query", "select count(*) as rows from input").run();
      String csv = Files.readString(out.file(out.outputNames().get(0)));
      assertThat(csv).as(name).isEqualTo("rows\n" + expected + "\n");
    }
  }

  @Test
  void manyInputsAreTablesNamedByTheirStem() throws Exception {
    StageTestRunner runner = runner();
    TestData.orders(runner.newInput("Orders 2024.csv"), 3_000, 3);
    StringBuilder regions = new StringBuilder();
    for (int i = 0; i < TestData.STATES.length; i++)
      regions.append(
          "{\"state\": \""
              + TestData.STATES[i].replace("\"", "\\\"")
              + "\", \"region\": "
              + i % 3
              + "}\n");
    runner.input("regions.jsonl", regions.toString());
    Path gz = tmp.resolve("regions.jsonl");
    Files.writeString(gz, regions);
    Tools.run("gzip", gz.toString());
    runner.input("more-regions.jsonl.gz", Files.readAllBytes(tmp.resolve("regions.jsonl.gz")));

    var out =
        runner
            .option(
                "query",
                "select r.region, count(*) n from orders_2024 o join regions r using (state)"
                    + " join more_regions m using (state) group by 1 order by 1")
            .option("output", Map.of("format", "jsonl"))
            .run();

    assertThat(out.outputNames()).containsExactly("result.jsonl");
    String[] lines = out.text("result.jsonl").split("\n");
    assertThat(lines).hasSize(3);
    assertThat(Tools.oracle("jsonl-sum", out.file("result.jsonl").toString(), "n"))
        .isEqualTo("3 3000");
  }

  /** Names with quotes, commas and brackets reach DuckDB as quoted literals and identifiers. */
  @Test
  void inputNamesWithQuotesAndCommasAreTablesToo() throws Exception {
    var out =
        runner()
            .input("it's, odd].csv", "a\n1\n2\n")
            .input("2024 \"q1\".csv", "a\n3\n")
            .option(
                "query",
                "select (select sum(a) from it_s__odd_) x, (select sum(a) from _2024__q1_) y")
            .run();
    assertThat(out.text("result.csv")).isEqualTo("x,y\n3,3\n");
  }

  @Test
  void twoInputsWithOneTableNameAreBadInputNamingBoth() throws Exception {
    StageTestRunner runner = runner().input("a/orders.csv", "x\n1\n").input("b/Orders.csv.gz", "");
    runner.option("query", "select 1");
    BadInputException e = runner.runExpectingBadInput();
    assertThat(e.getMessage())
        .contains("inputs/a/orders.csv", "inputs/b/Orders.csv.gz", "table 'orders'");
  }

  @Test
  void parquetOutputReadsBackAndFeedsTheNextSqlStage() throws Exception {
    StageTestRunner runner = runner();
    Path input = runner.newInput("orders.csv");
    TestData.orders(input, 4_000, 4);
    var parquet =
        runner
            .option("query", "select state, amount, note from input where amount >= 500")
            .option("output", Map.of("format", "parquet", "name", "big-orders"))
            .run();
    Path file = parquet.file("big-orders.parquet");
    byte[] bytes = Files.readAllBytes(file);
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
    assertThat(new String(bytes, bytes.length - 4, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");

    var csv =
        parquet
            .then(new SqlStage())
            .option("query", "select state, count(*) n from input group by 1")
            .run();
    Path counted = csv.file("big-orders.csv");
    // the oracle counts the CSV's rows with amount >= 500 itself
    Path filtered = tmp.resolve("filtered.csv");
    filterWithPython(input, filtered);
    assertThat(Tools.oracle("group-count", filtered.toString(), "state", counted.toString()))
        .startsWith("ok ");
    assertThat(parquet.outputs().get(0).rows())
        .isEqualTo(Long.parseLong(Tools.oracle("rows", filtered.toString())));
    // an unsandboxed DuckDB reads the same rows back from the Parquet file
    try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("select count(*), min(amount) from read_parquet('" + file + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(parquet.outputs().get(0).rows());
      assertThat(rs.getLong(2)).isGreaterThanOrEqualTo(500);
    }
  }

  private static void filterWithPython(Path input, Path output) {
    Tools.run(
        "python3",
        "-c",
        "import csv,sys\n"
            + "r=csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8'))\n"
            + "w=csv.DictWriter(open(sys.argv[2],'w',newline='',encoding='utf-8'),r.fieldnames)\n"
            + "w.writeheader()\n"
            + "[w.writerow(x) for x in r if int(x['amount'])>=500]",
        input.toString(),
        output.toString());
  }

  @Test
  void theWorkersSettingsReachDuckDbAndItSpillsInsideTheOutputDirectory() throws Exception {
    var out =
        runner()
            .input("x.csv", "a\n1\n")
            .workerSetting("sqlThreads", "1")
            .workerSetting("sqlMemoryLimit", "100m")
            .workerSetting("sqlMaxTempBytes", "2g")
            .option(
                "query",
                "select current_setting('threads') t, current_setting('memory_limit') m,"
                    + " current_setting('max_temp_directory_size') d,"
                    + " current_setting('temp_directory') tmp,"
                    + " current_setting('enable_external_access') ext,"
                    + " current_setting('lock_configuration') lock_config,"
                    + " current_setting('autoload_known_extensions') autoload,"
                    + " current_setting('autoinstall_known_extensions') autoinstall")
            .run();
    String[] row = out.text("x.csv").split("\n")[1].split(",");
    assertThat(row[0]).isEqualTo("1");
    assertThat(row[1]).isEqualTo("100.0 MiB");
    assertThat(row[2]).isEqualTo("2.0 GiB");
    assertThat(Path.of(row[3])).isEqualTo(out.file(SqlStage.TEMP_DIR));
    assertThat(List.of(row).subList(4, 8)).containsExactly("false", "true", "false", "false");
  }

  /** One stage instance serves every session of a worker: two runs at once stay apart. */
  @Test
  void twoRunsAtOnceEachGetTheirOwnDatabase() throws Exception {
    SqlStage shared = new SqlStage();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  StageTestRunner runner = StageTestRunner.of(shared, tmp.resolve("run" + n));
                  TestData.orders(runner.newInput("orders.csv"), 10_000 + n, n);
                  var out =
                      runner.option("query", "select count(*) c, sum(amount) s from input").run();
                  return out.text("orders.csv");
                }));
      }
      for (int i = 0; i < 2; i++) {
        Path input = tmp.resolve("run" + i + "/session/inputs/orders.csv");
        String rows = Tools.oracle("rows", input.toString());
        assertThat(results.get(i).get()).startsWith("c,s\n" + rows + ",");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anEmptyResultIsAHeaderOnlyCsvWithZeroRows() throws Exception {
    var out =
        runner()
            .input("x.csv", "a,b\n1,2\n")
            .option("query", "select a, b from input where a > 5")
            .run();
    assertThat(out.text("x.csv")).isEqualTo("a,b\n");
    assertThat(out.outputs().get(0).rows()).isZero();
  }

  @Test
  void detectTypesFalseKeepsCsvValuesAsText() throws Exception {
    var out =
        runner()
            .input("x.csv", "zip,n\n01234,007\n")
            .option("detectTypes", false)
            .option("query", "select zip, n, typeof(n) t from input")
            .run();
    assertThat(out.text("x.csv")).isEqualTo("zip,n,t\n01234,007,VARCHAR\n");
  }
}
