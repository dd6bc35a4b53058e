package dev.locality.examples.csvjsonl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.spec.Problem;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.Progress;
import dev.locality.api.stage.Stage;
import dev.locality.api.testkit.StageTestRunner;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example plugin, tested the way a plugin author would: with the API's stage test kit. */
class CsvToJsonlStageTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new CsvToJsonlStage(), tmp);
  }

  @Test
  void convertsEveryRowToOneJsonObjectKeyedByTheHeader() throws Exception {
    var out =
        runner()
            .input("people.csv", "name,age\nAda,36\n\"Lovelace, A\",\"say \"\"hi\"\"\"\n")
            .run();

    assertThat(out.outputNames()).containsExactly("people.jsonl");
    assertThat(out.text("people.jsonl"))
        .isEqualTo(
            "{\"name\":\"Ada\",\"age\":\"36\"}\n"
                + "{\"name\":\"Lovelace, A\",\"age\":\"say \\\"hi\\\"\"}\n");
    assertThat(out.metrics().rowsIn()).isEqualTo(2);
    assertThat(out.metrics().rowsOut()).isEqualTo(2);
    assertThat(out.outputs().get(0).rows()).isEqualTo(2);
    assertThat(out.outputs().get(0).sha256()).hasSize(64);
    assertThat(out.heartbeats()).last().isEqualTo(Progress.rows(2));
  }

  @Test
  void honoursDelimiterNumbersAndEmptyAsNull() throws Exception {
    var out =
        runner()
            .option("delimiter", ";")
            .option("numbers", true)
            .option("emptyAsNull", true)
            .input("m.csv", "id;score;note\r\n1;-2.5e3;\r\n007;x;\"multi\nline\"\r\n")
            .run();

    assertThat(out.text("m.jsonl"))
        .isEqualTo(
            "{\"id\":1,\"score\":-2.5e3,\"note\":null}\n"
                + "{\"id\":\"007\",\"score\":\"x\",\"note\":\"multi\\nline\"}\n");
  }

  @Test
  void heartbeatsWhileItStreamsALargeFile() throws Exception {
    StageTestRunner runner = runner();
    Path big = runner.newInput("big.csv");
    try (BufferedWriter w = Files.newBufferedWriter(big)) {
      w.write("n,sq\n");
      for (int i = 0; i < 5000; i++) w.write(i + "," + (long) i * i + "\n");
    }
    var out = runner.run();

    assertThat(out.metrics().rowsOut()).isEqualTo(5000);
    assertThat(out.heartbeats())
        .extracting(Progress::done)
        .containsExactly(1000L, 2000L, 3000L, 4000L, 5000L, 5000L);
    assertThat(Files.readAllLines(out.file("big.jsonl")))
        .hasSize(5000)
        .last()
        .isEqualTo("{\"n\":\"4999\",\"sq\":\"24990001\"}");
  }

  @Test
  void passesRejectsThroughAndConvertsEachDataFile() throws Exception {
    StageTestRunner runner = runner().input("a.csv", "x\n1\n").input("b.txt", "x\n2\n");
    Files.writeString(runner.sessionDir().resolve("rejects.csv"), "bad\n");
    Artifact rejects = new Artifact("rejects.csv", 4, null, 1, Artifact.REJECTS);
    var out = runner.inputArtifact(rejects).run();

    assertThat(out.outputNames()).containsExactly("a.jsonl", "b.txt.jsonl", "rejects.csv");
    assertThat(out.outputs().get(2)).isEqualTo(rejects);
    assertThat(out.metrics().rowsOut()).isEqualTo(2);
  }

  @Test
  void malformedCsvIsBadInputNamingFileAndLineAndLeavesNothing() throws Exception {
    BadInputException unclosed =
        runner().input("a.csv", "x,y\n1,2\n3,\"open\n").runExpectingBadInput();
    assertThat(unclosed).hasMessageContaining("a.csv").hasMessageContaining("line 3");

    BadInputException width =
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("2"))
            .input("ok.csv", "x\n1\n")
            .input("b.csv", "x,y\n1,2\n1,2,3\n")
            .runExpectingBadInput();
    assertThat(width)
        .hasMessage("malformed CSV in b.csv: the row on line 3 has 3 fields, the header has 2");

    BadInputException afterQuote =
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("3"))
            .input("c.csv", "x\n\"a\"b\n")
            .runExpectingBadInput();
    assertThat(afterQuote).hasMessageContaining("after a closing quote on line 2");

    assertThat(
            StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("4"))
                .input("d.csv", "x,x\n1,2\n")
                .runExpectingBadInput())
        .hasMessageContaining("'x' appears twice");
    assertThat(
            StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("5"))
                .input("e.csv", new byte[] {'x', '\n', (byte) 0xC3, '\n'})
                .runExpectingBadInput())
        .hasMessage("e.csv is not UTF-8 text");
    assertThat(
            StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("6"))
                .input("f.csv", "")
                .runExpectingBadInput())
        .hasMessageContaining("no header row");
  }

  @Test
  void optionsAreValidatedLikeOnTheWorker() {
    assertThat(runner().option("delimiter", ";;").validate())
        .extracting(Problem::toString)
        .containsExactly(
            "stages[0] (csv-to-jsonl).delimiter: must be exactly one character, got ';;'");
    assertThat(runner().option("delimiter", "\"").validate())
        .extracting(Problem::message)
        .containsExactly("cannot be a quote or a line break");
    assertThat(runner().option("numbers", "yes").validate()).hasSize(1);
    assertThat(runner().option("colour", "red").validate())
        .singleElement()
        .extracting(Problem::key)
        .isEqualTo("colour");
    assertThat(runner().validate()).isEmpty();
  }

  @Test
  void theTestKitReportsAStageThatDidNotFailAsExpected() {
    AssertionError error =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class, () -> runner().input("a.csv", "x\n1\n").runExpectingBadInput());
    assertThat(error).hasMessageContaining("succeeded, but BadInputException was expected");
    AssertionError invalid =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class, () -> runner().option("numbers", "yes").run());
    assertThat(invalid).hasMessageContaining("the options are invalid");
  }

  @Test
  void isRegisteredForServiceLoader() {
    assertThat(ServiceLoader.load(Stage.class).stream().map(p -> p.get().type()))
        .contains(CsvToJsonlStage.TYPE);
    assertThat(new CsvToJsonlStage().options())
        .allSatisfy(o -> assertThat(o.description()).isNotBlank());
  }
}
