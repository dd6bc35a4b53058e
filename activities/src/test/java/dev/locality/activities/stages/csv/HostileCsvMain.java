package dev.locality.activities.stages.csv;

import dev.locality.stage.BadInputException;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a CSV file of {@code args[1]} MiB whose line 2 opens a quote that never closes, runs
 * transform-csv over it in this JVM (started by {@link HostileCsvMemoryTest} with a small heap) and
 * prints one {@code RESULT key=value ...} line, with the failure's message on a {@code MESSAGE}
 * line. {@code args[2]}, when given, is the worker setting {@code maxCsvFieldBytes}.
 */
public final class HostileCsvMain {
  private HostileCsvMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long target = Long.parseLong(args[1]) << 20;
    StageTestRunner runner = StageTestRunner.of(new TransformCsvStage(), dir);
    if (args.length > 2)
      runner.workerSetting(TransformCsvOptions.MAX_CSV_FIELD_BYTES.name(), args[2]);
    long bytes = 0;
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(runner.newInput("sales.csv")), 1 << 16)) {
      byte[] head =
          "id,region,amount,note\n1,EU,12,\"unterminated, note\n".getBytes(StandardCharsets.UTF_8);
      out.write(head);
      bytes += head.length;
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < 10_000; i++)
        chunk
            .append(i)
            .append(",US,")
            .append(i % 100)
            .append(",a plain note about row ")
            .append(i)
            .append('\n');
      byte[] rows = chunk.toString().getBytes(StandardCharsets.UTF_8);
      while (bytes < target) {
        out.write(rows);
        bytes += rows.length;
      }
    }
    long start = System.nanoTime();
    String outcome;
    String message = "";
    try {
      BadInputException e = runner.runExpectingBadInput(); // and nothing left behind
      outcome = "BadInputException";
      message = e.getMessage();
    } catch (AssertionError e) {
      outcome = "AssertionError";
      message = String.valueOf(e.getMessage()) + " / cause " + e.getCause();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "RESULT csvBytes=%d outcome=%s millis=%d maxHeapMiB=%d%n",
        bytes, outcome, millis, Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("MESSAGE " + message.replaceAll("\\s+", " "));
  }
}
