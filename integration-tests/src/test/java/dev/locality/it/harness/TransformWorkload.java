package dev.locality.it.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The input of a four-stage pipeline (download → decompress → transform-csv → upload) and its
 * expected output, computed here without any stage: a bzip2-compressed CSV {@code id,city,value}
 * (bzip2 so that decompressing takes a while), transformed by {@code select [id, city, value]},
 * {@code rename value → amount}, {@code filter int(amount) % 10 != 3}, printed as the stage
 * documents (RFC 4180, header, LF). Immutable.
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
    Path source = dir.resolve(name + ".csv.bz2");
    CSVFormat out =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator("\n")
            .setHeader("id", "city", "amount")
            .get();
    var expected = new java.io.ByteArrayOutputStream();
    long kept = 0;
    try (OutputStream file = Files.newOutputStream(source);
        Writer input =
            new OutputStreamWriter(
                new BZip2CompressorOutputStream(new java.io.BufferedOutputStream(file, 1 << 16)),
                StandardCharsets.UTF_8);
        CSVPrinter printer =
            new CSVPrinter(new OutputStreamWriter(expected, StandardCharsets.UTF_8), out)) {
      input.write("id,city,value\n");
      for (int i = 1; i <= rows; i++) {
        String city = "city-" + (i % 97);
        int value = i * 7 % 1000;
        input.write(i + "," + city + "," + value + "\n");
        if (value % 10 != 3) {
          printer.printRecord(i, city, value);
          kept++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TransformWorkload(source, expected.toByteArray(), rows, kept);
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
