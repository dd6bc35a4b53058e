package dev.locality.it.harness;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The input of a four-stage pipeline (download → decompress → transform-csv → upload) and its
 * expected output, computed here without any stage: a bzip2-compressed CSV {@code id,city,value}
 * (bzip2 so that decompressing takes a while), transformed by {@code select [id, city, value]},
 * {@code rename value → amount}, {@code filter int(amount) % 10 != 3}, printed as the stage
 * documents (RFC 4180, header, LF). The input is compressed by the system's {@code bzip2}.
 * Immutable.
 */
public final class TransformWorkload {
  private final Path source;
  private final byte[] expected;
  private final long rowsIn;
  private final long rowsOut;

  private TransformWorkload(Path source, byte[] expected, long rowsIn, long rowsOut) {
    this.source = source;
    this.expected = expected;
    this.rowsIn = rowsIn;
    this.rowsOut = rowsOut;
  }

  /**
   * Writes {@code <dir>/<name>.csv.bz2} with {@code rows} rows and computes the expected output.
   */
  public static TransformWorkload create(Path dir, String name, int rows) {
    return create(dir, name, rows, 0);
  }

  /**
   * Like {@link #create(Path, String, int)}, with a fourth input column {@code note} of {@code
   * noteChars} pseudo-random characters per row (fixed seed) that the transform's {@code select}
   * drops: the expected output is the same, but the input is larger and compresses poorly, so the
   * decompress stage runs several times longer while transform-csv, whose cost is mostly per row,
   * grows much less. The CSV is compressed by the system's {@code bzip2} (an independent
   * implementation, not the library the stage uses).
   */
  public static TransformWorkload create(Path dir, String name, int rows, int noteChars) {
    Path csv = dir.resolve(name + ".csv");
    Path source = dir.resolve(name + ".csv.bz2");
    CSVFormat out =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator("\n")
            .setHeader("id", "city", "amount")
            .get();
    var expected = new java.io.ByteArrayOutputStream();
    var random = new java.util.SplittableRandom(42);
    char[] note = new char[noteChars];
    long kept = 0;
    try (Writer input =
            new OutputStreamWriter(
                new java.io.BufferedOutputStream(Files.newOutputStream(csv), 1 << 16),
                StandardCharsets.UTF_8);
        CSVPrinter printer =
            new CSVPrinter(new OutputStreamWriter(expected, StandardCharsets.UTF_8), out)) {
      input.write(noteChars > 0 ? "id,city,value,note\n" : "id,city,value\n");
      for (int i = 1; i <= rows; i++) {
        String city = "city-" + (i % 97);
        int value = i * 7 % 1000;
        input.write(i + "," + city + "," + value);
        if (noteChars > 0) {
          for (int c = 0; c < noteChars; c++) note[c] = NOTE_ALPHABET[random.nextInt(32)];
          input.write(',');
          input.write(note);
        }
        input.write('\n');
        if (value % 10 != 3) {
          printer.printRecord(i, city, value);
          kept++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bzip2(csv, source);
    return new TransformWorkload(source, expected.toByteArray(), rows, kept);
  }

  private static final char[] NOTE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** {@code bzip2 -c csv > target}, then deletes {@code csv}. */
  private static void bzip2(Path csv, Path target) {
    try {
      Process bzip2 =
          new ProcessBuilder("bzip2", "-9", "-c", csv.toString())
              .redirectOutput(target.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (bzip2.waitFor() != 0) {
        throw new IllegalStateException("bzip2 exited with " + bzip2.exitValue() + " on " + csv);
      }
      Files.delete(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run bzip2 (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The compressed input file. */
  public Path source() {
    return source;
  }

  /** The bytes the pipeline must upload. */
  public byte[] expectedOutput() {
    return expected.clone();
  }

  public long rowsIn() {
    return rowsIn;
  }

  public long rowsOut() {
    return rowsOut;
  }

  /**
   * The {@code stages:} list of the pipeline (indented for a spec's top level), reading from {@code
   * url} and uploading to {@code to}, every stage with {@code heartbeat} as its heartbeat timeout.
   */
  public String stagesYaml(URI url, String to, String heartbeat) {
    String timeouts = "timeouts: {heartbeat: %s, scheduleToStart: 10s}".formatted(heartbeat);
    return """
        stages:
          - type: download
            url: %s
            sha256: %s
            %s
          - type: decompress
            format: bzip2
            %s
          - type: transform-csv
            select: [id, city, value]
            rename: {value: amount}
            filter: "int(amount) %% 10 != 3"
            %s
          - type: upload
            to: %s
            %s
        """
        .formatted(url, DataFiles.sha256(source), timeouts, timeouts, timeouts, to, timeouts);
  }
}
