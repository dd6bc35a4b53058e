package dev.locality.examples.csvjsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin, tested the way a plugin author would: with the stage test kit and plain
 * JUnit, nothing else.
 */
class CsvToJsonlStageTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new CsvToJsonlStage(), tmp);
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), () -> "'" + text + "' should contain '" + part + "'");
  }

  @Test
  void convertsEveryRowToOneJsonObjectKeyedByTheHeader() throws Exception {
    var out =
        runner()
            .input("people.csv", "name,age\nAda,36\n\"Lovelace, A\",\"say \"\"hi\"\"\"\n")
            .run();

    assertEquals(List.of("people.jsonl"), out.outputNames());
    assertEquals(
        "{\"name\":\"Ada\",\"age\":\"36\"}\n"
            + "{\"name\":\"Lovelace, A\",\"age\":\"say \\\"hi\\\"\"}\n",
        out.text("people.jsonl"));
    assertEquals(2, out.metrics().rowsIn());
    assertEquals(2, out.metrics().rowsOut());
    assertEquals(2, out.outputs().get(0).rows());
    assertEquals(64, out.outputs().get(0).sha256().length());
    assertEquals(Progress.rows(2), out.heartbeats().get(out.heartbeats().size() - 1));
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

    assertEquals(
        "{\"id\":1,\"score\":-2.5e3,\"note\":null}\n"
            + "{\"id\":\"007\",\"score\":\"x\",\"note\":\"multi\\nline\"}\n",
        out.text("m.jsonl"));
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

    assertEquals(5000, out.metrics().rowsOut());
    assertEquals(
        List.of(1000L, 2000L, 3000L, 4000L, 5000L, 5000L),
        out.heartbeats().stream().map(Progress::done).toList());
    List<String> lines = Files.readAllLines(out.file("big.jsonl"));
    assertEquals(5000, lines.size());
    assertEquals("{\"n\":\"4999\",\"sq\":\"24990001\"}", lines.get(4999));
  }

  @Test
  void passesRejectsThroughAndConvertsEachDataFile() throws Exception {
    StageTestRunner runner = runner().input("a.csv", "x\n1\n").input("b.txt", "x\n2\n");
    Files.writeString(runner.sessionDir().resolve("rejects.csv"), "bad\n");
    Artifact rejects = new Artifact("rejects.csv", 4, null, 1, Artifact.REJECTS);
    var out = runner.inputArtifact(rejects).run();

    assertEquals(List.of("a.jsonl", "b.txt.jsonl", "rejects.csv"), out.outputNames());
    assertEquals(rejects, out.outputs().get(2));
    assertEquals(2, out.metrics().rowsOut());
  }

  @Test
  void malformedCsvIsBadInputNamingFileAndLineAndLeavesNothing() throws Exception {
    BadInputException unclosed =
        runner().input("a.csv", "x,y\n1,2\n3,\"open\n").runExpectingBadInput();
    assertContains(unclosed.getMessage(), "a.csv");
    assertContains(unclosed.getMessage(), "line 3");

    BadInputException width =
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("2"))
            .input("ok.csv", "x\n1\n")
            .input("b.csv", "x,y\n1,2\n1,2,3\n")
            .runExpectingBadInput();
    assertEquals(
        "malformed CSV in b.csv: the row on line 3 has 3 fields, the header has 2",
        width.getMessage());

    BadInputException afterQuote =
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("3"))
            .input("c.csv", "x\n\"a\"b\n")
            .runExpectingBadInput();
    assertContains(afterQuote.getMessage(), "after a closing quote on line 2");

    assertContains(
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("4"))
            .input("d.csv", "x,x\n1,2\n")
            .runExpectingBadInput()
            .getMessage(),
        "'x' appears twice");
    assertEquals(
        "e.csv is not UTF-8 text",
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("5"))
            .input("e.csv", new byte[] {'x', '\n', (byte) 0xC3, '\n'})
            .runExpectingBadInput()
            .getMessage());
    assertContains(
        StageTestRunner.of(new CsvToJsonlStage(), tmp.resolve("6"))
            .input("f.csv", "")
            .runExpectingBadInput()
            .getMessage(),
        "no header row");
  }

  @Test
  void optionsAreValidatedLikeOnTheWorker() {
    assertEquals(
        List.of(new OptionProblem("delimiter", "must be exactly one character, got ';;'")),
        runner().option("delimiter", ";;").validate());
    assertEquals(
        List.of(new OptionProblem("delimiter", "cannot be a quote or a line break")),
        runner().option("delimiter", "\"").validate());
    assertEquals(1, runner().option("numbers", "yes").validate().size());
    List<OptionProblem> unknown = runner().option("colour", "red").validate();
    assertEquals(1, unknown.size());
    assertEquals("colour", unknown.get(0).key());
    assertEquals(List.of(), runner().validate());
  }

  @Test
  void aRecordLongerThanTheWorkerSettingIsBadInputNamingItsLine() throws Exception {
    String big = "x".repeat(200);
    BadInputException error =
        runner()
            .workerSetting("csvToJsonlMaxRecordChars", "100")
            .input("w.csv", "a,b\n1,2\n\"" + big + "\n")
            .runExpectingBadInput();
    assertEquals(
        "malformed CSV in w.csv: the record starting on line 3 is longer than 100 characters"
            + " (worker setting csvToJsonlMaxRecordChars; an unclosed quote?)",
        error.getMessage());
    var ok =
        runner()
            .workerSetting("csvToJsonlMaxRecordChars", "1k")
            .input("w.csv", "a\n" + big + "\n")
            .run();
    assertEquals(1, ok.metrics().rowsOut());
  }

  @Test
  void anInvalidWorkerSettingStopsTheRunAsItWouldStopTheWorker() {
    var error =
        assertThrows(
            dev.locality.stage.runtime.InvalidWorkerSettingsException.class,
            () ->
                runner()
                    .workerSetting("csvToJsonlMaxRecordChars", "lots")
                    .input("a.csv", "x\n1\n")
                    .run());
    assertContains(error.getMessage(), "worker setting csvToJsonlMaxRecordChars: 'lots'");
  }

  @Test
  void theTestKitReportsAStageThatDidNotFailAsExpected() {
    AssertionError error =
        assertThrows(
            AssertionError.class, () -> runner().input("a.csv", "x\n1\n").runExpectingBadInput());
    assertContains(error.getMessage(), "succeeded, but BadInputException was expected");
    AssertionError invalid =
        assertThrows(AssertionError.class, () -> runner().option("numbers", "yes").run());
    assertContains(invalid.getMessage(), "the options are invalid");
  }

  @Test
  void isRegisteredForServiceLoader() {
    assertTrue(
        ServiceLoader.load(Stage.class).stream()
            .anyMatch(p -> p.get().type().equals(CsvToJsonlStage.TYPE)));
    for (OptionSpec<?> option : new CsvToJsonlStage().options()) {
      assertTrue(!option.description().isBlank(), option.name());
    }
  }
}
