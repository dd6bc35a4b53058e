package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.internal.Buffers;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The rows a CSV transform could not use, written with columns {@code line,reason,raw} to the path
 * planned for them (normally {@code <name>.rejects.csv} next to the output, see {@link
 * dev.locality.activities.stages.csv.OutputNames}); created on the first reject only. Remembers the
 * first few rejects for the failure message. Not thread-safe.
 */
public final class RejectsFile implements Closeable {
  static final CSVFormat FORMAT =
      CSVFormat.DEFAULT.builder().setRecordSeparator("\n").setHeader("line", "reason", "raw").get();
  private static final int REMEMBERED = 5;

  private final Path path;
  private final List<String> first = new ArrayList<>();
  private CSVPrinter printer;
  private long count;

  public RejectsFile(Path path) {
    this.path = path;
  }

  /** Writes one rejected row: its line, why, and the row as read. */
  public void add(long line, String reason, String raw) throws IOException {
    if (printer == null) {
      printer =
          new CSVPrinter(
              new BufferedWriter(
                  new OutputStreamWriter(
                      Files.newOutputStream(
                          path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                      StandardCharsets.UTF_8),
                  Buffers.SIZE),
              FORMAT);
    }
    printer.printRecord(line, reason, raw);
    count++;
    if (first.size() < REMEMBERED) first.add("line " + line + ": " + reason);
  }

  public long count() {
    return count;
  }

  /** The first rejects, as "line N: reason". */
  public List<String> first() {
    return first;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    if (printer != null) printer.close();
  }
}
