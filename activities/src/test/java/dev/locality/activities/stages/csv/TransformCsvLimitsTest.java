package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.upload.UploadStage;
import dev.locality.stage.Artifact;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import dev.locality.stage.runtime.WorkerSettingValues;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * transform-csv at its limits: a record over {@code maxCsvFieldBytes}, names that would collide or
 * be too long, and the two kinds of {@code maxRejects}. Every success checks that no row is lost.
 */
class TransformCsvLimitsTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new TransformCsvStage(), tmp);
  }

  @Test
  void anUnbalancedQuoteOnLine2OfA20MegabyteFileFailsFastNamingLine2() throws Exception {
    StageTestRunner runner =
        runner().workerSetting(TransformCsvOptions.MAX_CSV_FIELD_BYTES.name(), "1m");
    long bytes = 0;
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(runner.newInput("big.csv")), 1 << 16)) {
      byte[] head = "id,name,amount\n1,\"Smith, J,12\n".getBytes(StandardCharsets.UTF_8);
      out.write(head);
      bytes += head.length;
      for (int i = 0; bytes < 20L << 20; i++) {
        byte[] row = (i + ",name " + i + "," + (i % 100) + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(row);
        bytes += row.length;
      }
    }
    long start = System.nanoTime();
    var error = runner.runExpectingBadInput();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println(
        "RESULT 20 MiB, quote on line 2, maxCsvFieldBytes=1m: failed in " + millis + " ms");
    assertThat(error)
        .hasMessageStartingWith("big.csv line 2: ")
        .hasMessageContaining("maxCsvFieldBytes=1m")
        .hasMessageContaining("a quoted field opened on line 2")
        .hasMessageContaining("unbalanced quote");
    assertThat(millis).isLessThan(5_000);
  }

  @Test
  void aTwoMegabyteFieldPassesUnderTheDefaultLimitUnchanged() throws Exception {
    String blob = "x\"y,\n".repeat(400_000); // 2 MB with quotes, commas and line breaks
    String csv = "id,blob\n1,\"" + blob.replace("\"", "\"\"") + "\"\n2,b\n";
    var run = runner().input("f.csv", csv).run();
    assertThat(run.metrics().rowsOut()).isEqualTo(2);
    assertThat(PythonCsv.rowsHash(run.file("f.csv")))
        .isEqualTo(PythonCsv.rowsHash(run.file("f.csv").resolveSibling("../../inputs/f.csv")));
  }

  @Test
  void anInvalidLimitStopsTheWorkerAtStartUp() {
    for (String value : List.of("lots", "1k")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  WorkerSettingValues.check(
                      java.util.Map.of(TransformCsvOptions.MAX_CSV_FIELD_BYTES.name(), value),
                      List.of(new TransformCsvStage())))
          .isInstanceOf(InvalidWorkerSettingsException.class)
          .hasMessageStartingWith("worker setting maxCsvFieldBytes: ")
          .hasMessageContaining(value.equals("1k") ? "below the minimum 64k" : "'lots'");
    }
  }

  @Test
  void rejectsNeverCollideWithAnInputOfTheSameName() throws Exception {
    var run =
        runner()
            .input("sales.csv", "a,b\n1,2\n3\n")
            .input("sales.rejects.csv", "a,b\n4\n5,6\n")
            .input("sales.rejects-2.csv", "a,b\n7,8\n9\n")
            .run();
    assertThat(run.outputNames())
        .containsExactly(
            "sales.csv",
            "sales.rejects-3.csv",
            "sales.rejects.csv",
            "sales.rejects.rejects.csv",
            "sales.rejects-2.csv",
            "sales.rejects-2.rejects.csv");
    assertThat(run.outputs())
        .extracting(Artifact::kind)
        .containsExactly("data", "rejects", "data", "rejects", "data", "rejects");
    assertThat(run.text("sales.csv")).isEqualTo("a,b\n1,2\n");
    assertThat(run.text("sales.rejects-3.csv")).contains("3,\"has 1 field, header has 2\",3");
    assertThat(run.text("sales.rejects.csv")).isEqualTo("a,b\n5,6\n");
    assertThat(run.text("sales.rejects.rejects.csv")).contains("2,\"has 1 field, header has 2\",4");
    assertThat(run.text("sales.rejects-2.csv")).isEqualTo("a,b\n7,8\n");
    assertNothingLost(run.metrics(), 6);
  }

  @Test
  void sameNamesInDifferentDirectoriesStayApart() throws Exception {
    var run =
        runner()
            .input("x/a/sales.csv", "a,b\n1,2\n3\n")
            .input("x/b/sales.csv", "a,b\n4\n5,6\n")
            .run();
    assertThat(run.outputNames())
        .containsExactly(
            "a/sales.csv", "a/sales.rejects.csv", "b/sales.csv", "b/sales.rejects.csv");
    assertThat(run.text("a/sales.rejects.csv")).contains(",3\n").doesNotContain(",4\n");
    assertThat(run.text("b/sales.rejects.csv")).contains(",4\n").doesNotContain(",3\n");
    assertNothingLost(run.metrics(), 4);
  }

  @Test
  void rejectsAreNotNamedLikeADirectoryOfTheInputs() throws Exception {
    var run =
        runner().input("d/t.csv", "a,b\n1\n").input("d/t.rejects.csv/inner.csv", "a\n1\n").run();
    assertThat(run.outputNames())
        .containsExactly("t.csv", "t.rejects-2.csv", "t.rejects.csv/inner.csv");
  }

  @Test
  void uploadPublishesCollisionFreeRejectsUnderTheirOwnNames() throws Exception {
    Path out = tmp.resolve("published");
    var run =
        runner()
            .input("sales.csv", "a,b\n1,2\n3\n")
            .input("sales.rejects.csv", "a,b\n4\n5,6\n")
            .run()
            .then(new UploadStage())
            .option("to", out.toUri() + "/{file}")
            .run();
    assertThat(out.resolve("sales.csv")).hasContent("a,b\n1,2\n");
    assertThat(out.resolve("sales.rejects.csv")).hasContent("a,b\n5,6\n");
    assertThat(out.resolve("sales.rejects-2.csv")).content().contains(",3\n");
    assertThat(out.resolve("sales.rejects.rejects.csv")).content().contains(",4\n");
    assertThat(run.result().outputUris()).hasSize(4);
  }

  @Test
  void aTooLongNameIsShortenedDeterministically() throws Exception {
    String stem = "é".repeat(100) + "n".repeat(51); // 251 bytes: with .csv exactly 255
    String input = stem + ".csv";
    assertThat(input.getBytes(StandardCharsets.UTF_8)).hasSize(255);
    var run = runner().option("outputCompression", "gzip").input(input, "a,b\n1,2\n3\n").run();
    List<String> names = run.outputNames();
    assertThat(names).hasSize(2);
    for (String name : names) {
      assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
      assertThat(name).startsWith("é".repeat(100)).containsPattern("~[0-9a-f]{8}\\.");
    }
    assertThat(names.get(0)).endsWith(".csv.gz");
    assertThat(names.get(1)).endsWith(".rejects.csv");
    assertNothingLost(run.metrics(), 2);
    var again =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("again"))
            .option("outputCompression", "gzip")
            .input(input, "a,b\n1,2\n3\n")
            .run();
    assertThat(again.outputNames()).isEqualTo(names);
    // without compression the output keeps the input's (255-byte) name
    var plain =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("plain"))
            .input(input, "a,b\n1,2\n3\n")
            .run();
    assertThat(plain.outputNames().get(0)).isEqualTo(input);
  }

  @Test
  void aCountLimitStopsAtTheFirstRejectOverIt() throws Exception {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 1000; i++) csv.append(i < 200 ? i + "\n" : i + ",x\n");
    var error =
        runner().option("maxRejects", 100).input("c.csv", csv.toString()).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("101 of 101 rows read")
        .hasMessageContaining("maxRejects=100");
    var ok =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("ok"))
            .option("maxRejects", 200)
            .input("c.csv", csv.toString())
            .run();
    assertNothingLost(ok.metrics(), 1000);
    assertThat(ok.metrics().rowsRejected()).isEqualTo(200);
  }

  @Test
  void aPercentageIsJudgedOnTheWholeInputEvenWhenTheFirstRowsAreAllBad() throws Exception {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 10_000; i++) csv.append(i < 1000 ? i + "\n" : i + ",x\n"); // 10% bad
    var run = runner().option("maxRejects", "10%").input("p.csv", csv.toString()).run();
    assertNothingLost(run.metrics(), 10_000);
    assertThat(run.metrics().rowsRejected()).isEqualTo(1000);
    assertThat(PythonCsv.dataRows(run.file("p.csv"))).isEqualTo(9000);
    assertThat(PythonCsv.dataRows(run.file("p.rejects.csv"))).isEqualTo(1000);
    // over all inputs: a second, clean file brings the rate down to 5%
    var two =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("two"))
            .option("maxRejects", "5%")
            .input("p.csv", csv.toString())
            .input("q.csv", "a,b\n" + "1,y\n".repeat(10_000))
            .run();
    assertNothingLost(two.metrics(), 20_000);
    var error =
        StageTestRunner.of(new TransformCsvStage(), tmp.resolve("over"))
            .option("maxRejects", "9.99%")
            .input("p.csv", csv.toString())
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("1000 of 10000 rows in all inputs (10%)")
        .hasMessageContaining("maxRejects=9.99%");
  }

  private static void assertNothingLost(StageMetrics m, long inputRows) {
    assertThat(m.rowsIn()).isEqualTo(inputRows);
    assertThat(m.rowsOut() + m.rowsFiltered() + m.rowsRejected()).isEqualTo(inputRows);
  }
}
