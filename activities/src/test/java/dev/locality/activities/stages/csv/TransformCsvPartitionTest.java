package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.upload.UploadStage;
import dev.locality.stage.Artifact;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partitionBy} of transform-csv: Hive-style directories, escaped values, bounded open
 * writers with spilling, artifacts per file, the layout kept by upload; DuckDB's {@code
 * hive_partitioning} reads the result back as the independent oracle.
 */
class TransformCsvPartitionTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new TransformCsvStage(), tmp);
  }

  @Test
  void rowsGoToHiveStyleDirectoriesWithoutThePartitionColumns() throws Exception {
    var run =
        runner()
            .option("partitionBy", List.of("state"))
            .input("in.csv", "id,state,city\n1,CA,LA\n2,NY,NYC\n3,CA,SF\n")
            .run();
    assertThat(run.outputNames())
        .containsExactlyInAnyOrder("state=CA/part-00000.csv", "state=NY/part-00000.csv");
    assertThat(run.text("state=CA/part-00000.csv")).isEqualTo("id,city\n1,LA\n3,SF\n");
    assertThat(run.text("state=NY/part-00000.csv")).isEqualTo("id,city\n2,NYC\n");
    assertThat(run.outputs()).extracting(Artifact::rows).containsExactlyInAnyOrder(2L, 1L);
    assertThat(run.metrics().rowsOut()).isEqualTo(3);
    assertThat(run.metrics().bytesOut())
        .isEqualTo(
            Files.size(run.file("state=CA/part-00000.csv"))
                + Files.size(run.file("state=NY/part-00000.csv")));
  }

  @Test
  void hostileValuesAreEscapedAndDuckDbReadsThemBack() throws Exception {
    List<String> values =
        List.of(
            "a/b",
            "../up",
            "x=y",
            "100%",
            "",
            "q\"uote",
            "tab\there",
            "\u00fcml\u00e4ut \u20ac",
            ".",
            "..",
            "star*?",
            "back\\slash",
            "co:lon",
            "#hash",
            "[br]{ce}^");
    StringBuilder csv = new StringBuilder("k,v\n");
    for (int i = 0; i < values.size(); i++) {
      csv.append(quote(values.get(i))).append(',').append(i).append('\n');
    }
    var run =
        runner()
            .option("partitionBy", List.of("k"))
            .option("output", Map.of("format", "parquet"))
            .input("in.csv", csv.toString())
            .run();
    Path out = run.file("in.csv").getParent();
    try (Stream<Path> dirs = Files.list(out)) {
      // every partition is one directory right under the output: no value escaped upwards
      assertThat(dirs.filter(Files::isDirectory).count()).isEqualTo(values.size());
    }
    assertThat(run.outputNames())
        .contains(
            "k=a%2Fb/part-00000.parquet",
            "k=x%3Dy/part-00000.parquet",
            "k=100%25/part-00000.parquet",
            "k=__HIVE_DEFAULT_PARTITION__/part-00000.parquet",
            "k=tab%09here/part-00000.parquet",
            "k=\u00fcml\u00e4ut \u20ac/part-00000.parquet",
            "k=../part-00000.parquet");
    List<List<String>> rows =
        DuckDb.query(
            "select k, v from read_parquet("
                + DuckDb.literal(out.resolve("**/*.parquet"))
                + ", hive_partitioning = true, hive_types_autocast = false) order by v::int");
    List<List<String>> expected = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      // Hive, Spark and Athena read the marker as null; DuckDB 1.4 keeps it as text
      expected.add(
          List.of(values.get(i).isEmpty() ? HivePartitionPath.DEFAULT : values.get(i), "" + i));
    }
    assertThat(rows).isEqualTo(expected);
  }

  @Test
  void morePartitionsThanOpenWritersAreSpilledAndEveryRowArrivesOnce() throws Exception {
    StringBuilder csv = new StringBuilder("n,day,hour,text\n");
    int rows = 30_000;
    for (int i = 0; i < rows; i++) {
      csv.append(i)
          .append(",d")
          .append(i % 7)
          .append(",")
          .append(i % 24)
          .append(",t")
          .append(i)
          .append('\n');
    }
    var run =
        runner()
            .option("types", Map.of("n", "int", "hour", "int"))
            .option("partitionBy", List.of("day", "hour"))
            .option("output", Map.of("format", "parquet", "codec", "snappy"))
            .workerSetting("maxOpenPartitions", "5")
            .input("big.csv", csv.toString())
            .run();
    assertThat(run.outputs()).hasSize(7 * 24);
    Path out = run.file("big.csv").getParent();
    try (Stream<Path> files = Files.walk(out)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith(".partition-spill")))
          .as("no spill file left")
          .isEmpty();
    }
    assertThat(
            DuckDb.query(
                "select count(*), count(distinct n), sum(n), count(distinct (day, hour)),"
                    + " bool_and(text = 't' || n), bool_and(day = 'd' || (n % 7)),"
                    + " bool_and(hour = n % 24) from read_parquet("
                    + DuckDb.literal(out.resolve("**/*.parquet"))
                    + ", hive_partitioning = true)"))
        .containsExactly(
            List.of(
                "" + rows,
                "" + rows,
                "" + ((long) rows * (rows - 1) / 2),
                "168",
                "true",
                "true",
                "true"));
    // input order is kept within a partition
    assertThat(
            DuckDb.query(
                "select string_agg(n::varchar, ',') from "
                    + DuckDb.literal(out.resolve("day=d3/hour=5/part-00000.parquet"))))
        .containsExactly(List.of(expectedOrder(rows, 3, 5)));
    assertThat(run.metrics().rowsOut()).isEqualTo(rows);
    assertThat(run.outputs().stream().mapToLong(Artifact::rows).sum()).isEqualTo(rows);
  }

  @Test
  void eachInputWritesItsOwnPartInTheSharedPartitions() throws Exception {
    var run =
        runner()
            .option("partitionBy", List.of("s"))
            .option("output", Map.of("format", "jsonl"))
            .input("a.csv", "s,v\nx,1\ny,2\n")
            .input("b.csv", "s,v\nx,3\n")
            .run();
    assertThat(run.outputNames())
        .containsExactlyInAnyOrder(
            "s=x/part-00000.jsonl", "s=y/part-00000.jsonl", "s=x/part-00001.jsonl");
    assertThat(run.text("s=x/part-00001.jsonl")).isEqualTo("{\"v\":\"3\"}\n");
  }

  @Test
  void aValueTooLongForADirectoryNameIsRejectedWithItsReason() throws Exception {
    String longValue = "x".repeat(300);
    var run =
        runner()
            .option("partitionBy", List.of("k"))
            .input("in.csv", "k,v\nok,1\n" + longValue + ",2\n")
            .run();
    assertThat(run.outputNames()).containsExactly("k=ok/part-00000.csv", "in.rejects.csv");
    assertThat(run.text("in.rejects.csv"))
        .contains("the value of partition column 'k' makes a directory name longer than 255 bytes");
    assertThat(run.metrics().rowsRejected()).isEqualTo(1);
  }

  @Test
  void partitioningByAnUnknownOrEveryColumnIsBadInput() throws Exception {
    assertThat(
            runner()
                .option("partitionBy", List.of("nope"))
                .input("in.csv", "a,b\n1,2\n")
                .runExpectingBadInput()
                .getMessage())
        .contains("option 'partitionBy': unknown column 'nope'", "output columns: a, b");
    assertThat(
            StageTestRunner.of(new TransformCsvStage(), tmp.resolve("2"))
                .option("partitionBy", List.of("a", "b"))
                .input("in.csv", "a,b\n1,2\n")
                .runExpectingBadInput()
                .getMessage())
        .contains("names every output column");
    assertThat(runner().option("partitionBy", List.of("a", "a")).validate())
        .extracting(p -> p.message())
        .containsExactly("column 'a' is named twice");
  }

  @Test
  void uploadKeepsThePartitionLayoutWithThePathPlaceholder() throws Exception {
    Path published = tmp.resolve("published");
    runner()
        .option("partitionBy", List.of("state"))
        .input("in.csv", "id,state\n1,CA\n2,NY\n3,\n")
        .run()
        .then(new UploadStage())
        .option("to", published.toUri() + "/{name}/{path}")
        .run();
    Path root = published.resolve("test-pipeline");
    assertThat(root.resolve("state=CA/part-00000.csv")).hasContent("id\n1\n");
    assertThat(root.resolve("state=NY/part-00000.csv")).hasContent("id\n2\n");
    assertThat(root.resolve("state=__HIVE_DEFAULT_PARTITION__/part-00000.csv"))
        .hasContent("id\n3\n");
  }

  @Test
  void dedupeSpilledToDiskFeedsThePartitionsAndKeepsTheFirstRowPerKey() throws Exception {
    StringBuilder csv = new StringBuilder("key,part,seq\n");
    int rows = 5_000;
    for (int i = 0; i < rows; i++) {
      csv.append("k")
          .append(i % 1_000)
          .append(",p")
          .append(i % 13)
          .append(',')
          .append(i)
          .append('\n');
    }
    var run =
        runner()
            .option("types", Map.of("seq", "int"))
            .option("dedupe", List.of("key", "part"))
            .option("partitionBy", List.of("part"))
            .option("output", Map.of("format", "parquet"))
            .workerSetting("dedupeMemoryKeys", "50")
            .workerSetting("maxOpenPartitions", "3")
            .input("d.csv", csv.toString())
            .run();
    Path out = run.file("d.csv").getParent();
    // (i % 1000, i % 13) repeats only every 13,000 rows: all 5,000 keys are distinct, all kept
    assertThat(
            DuckDb.query(
                "select count(*), count(distinct (key, part)), min(seq), max(seq) from"
                    + " read_parquet("
                    + DuckDb.literal(out.resolve("**/*.parquet"))
                    + ", hive_partitioning = true)"))
        .containsExactly(List.of("" + rows, "" + rows, "0", "" + (rows - 1)));
    var dup =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("dup"))
            .option("dedupe", List.of("key"))
            .option("partitionBy", List.of("part"))
            .option("output", Map.of("format", "parquet"))
            .workerSetting("dedupeMemoryKeys", "50")
            .workerSetting("maxOpenPartitions", "3")
            .input("d.csv", csv.toString())
            .run();
    Path dupOut = dup.file("d.csv").getParent();
    // the first row of each key k<j> is row j (part p<j % 13>, seq j)
    assertThat(
            DuckDb.query(
                "select count(*), bool_and(seq::int < 1000), bool_and(part = 'p' || (seq::int %"
                    + " 13)), bool_and(key = 'k' || seq) from read_parquet("
                    + DuckDb.literal(dupOut.resolve("**/*.parquet"))
                    + ", hive_partitioning = true)"))
        .containsExactly(List.of("1000", "true", "true", "true"));
    assertThat(dup.metrics().rowsFiltered()).isEqualTo(rows - 1_000);
  }

  private static String expectedOrder(int rows, int day, int hour) {
    List<String> ns = new ArrayList<>();
    for (int i = 0; i < rows; i++) if (i % 7 == day && i % 24 == hour) ns.add("" + i);
    return String.join(",", ns);
  }

  private static String quote(String v) {
    return "\"" + v.replace("\"", "\"\"") + "\"";
  }
}
