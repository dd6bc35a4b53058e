package dev.locality.activities.stages.lookup;

import dev.locality.activities.stages.csv.CsvRecords;
import dev.locality.activities.stages.csv.RecordReader;
import dev.locality.activities.stages.csv.RejectsFile;
import dev.locality.activities.stages.internal.Buffers;
import dev.locality.stage.BadInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.commons.csv.CSVPrinter;

/**
 * Enriches CSV files one after another for one run of {@link LookupStage}: each row gets the
 * table's {@code add} columns for its key appended. A row whose key the table lacks keeps empty
 * values or goes to the rejects file ({@code missing: reject}); so does a row with a different
 * number of fields than the header. Keeps the counts across files; {@code rowsIn == rowsOut +
 * rowsRejected} per file. Streams row by row (only the shared table is in memory). Not thread-safe.
 */
final class CsvEnricher {
  /** Opens an output file inside the session (the stage's {@code createOutput}). */
  interface Outputs {
    OutputStream create(Path file) throws IOException;
  }

  /** One file's outcome; {@code rejects} is null when no row was rejected. */
  record FileResult(Path output, long rowsOut, Path rejects, long rowsRejected) {}

  private final LookupConfig config;
  private final LookupTable table;
  private final int[] addColumns;
  private final long maxRecordBytes;
  private final LongConsumer progress;
  private final Outputs outputs;
  private long rowsIn;
  private long rowsOut;
  private long rowsRejected;
  private long rowsUnmatched;
  private long bytesOut;

  /**
   * @throws BadInputException when the table lacks a column to add
   */
  CsvEnricher(
      LookupConfig config,
      LookupTable table,
      String tableName,
      long maxRecordBytes,
      LongConsumer progress,
      Outputs outputs) {
    this.config = config;
    this.table = table;
    this.maxRecordBytes = maxRecordBytes;
    this.progress = progress;
    this.outputs = outputs;
    this.addColumns = new int[config.add().size()];
    List<String> absent = new ArrayList<>();
    for (int i = 0; i < addColumns.length; i++) {
      addColumns[i] = table.column(config.add().get(i));
      if (addColumns[i] < 0) absent.add(config.add().get(i));
    }
    if (!absent.isEmpty())
      throw new BadInputException(
          "option 'add': lookup table "
              + tableName
              + " has no column '"
              + String.join("', '", absent)
              + "' (its columns: "
              + String.join(", ", table.columns())
              + ")");
  }

  /**
   * Enriches {@code source} into {@code output}, rejects to {@code rejectsPath} (created on the
   * first reject only).
   *
   * @param name the input's name for messages
   * @throws BadInputException when the file is empty, lacks the join column, already has a column
   *     to add, or is not usable CSV
   */
  FileResult enrich(Path source, String name, Path output, Path rejectsPath) throws IOException {
    long fileIn = rowsIn;
    long fileOut = rowsOut;
    long fileRejected = rowsRejected;
    Files.createDirectories(output.getParent());
    InputStream in = Files.newInputStream(source);
    try (RecordReader records =
            CsvRecords.open(in, name, config.csvFormat(), config.encoding(), maxRecordBytes);
        RejectsFile rejects = new RejectsFile(rejectsPath)) {
      String[] header = records.next();
      if (header == null) throw new BadInputException("empty file: " + name + " has no header row");
      header = header.clone();
      int join = checkHeader(header, name);
      try (OutputStream file = outputs.create(output);
          CSVPrinter out =
              new CSVPrinter(
                  new BufferedWriter(
                      new OutputStreamWriter(file, StandardCharsets.UTF_8), Buffers.SIZE),
                  config.csvFormat())) {
        String[] row = Arrays.copyOf(header, header.length + addColumns.length);
        for (int i = 0; i < addColumns.length; i++) row[header.length + i] = config.add().get(i);
        out.printRecord((Object[]) row);
        for (String[] record = records.next(); record != null; record = records.next()) {
          rowsIn++;
          if ((rowsIn & 0xFF) == 0) progress.accept(rowsIn);
          if (record.length != header.length) {
            reject(rejects, records.line(), fieldCount(record.length, header.length), record);
            continue;
          }
          String key = record[join];
          String[] found = table.row(key);
          if (found == null) {
            rowsUnmatched++;
            if (config.rejectMissing()) {
              reject(
                  rejects,
                  records.line(),
                  "no row in the lookup table for " + config.on().input() + " '" + key + "'",
                  record);
              continue;
            }
          }
          String[] enriched = Arrays.copyOf(record, record.length + addColumns.length);
          for (int i = 0; i < addColumns.length; i++)
            enriched[record.length + i] =
                found == null ? "" : LookupTable.value(found, addColumns[i]);
          out.printRecord((Object[]) enriched);
          rowsOut++;
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      in.close();
      throw e;
    }
    long inFile = rowsIn - fileIn;
    long outFile = rowsOut - fileOut;
    long rejected = rowsRejected - fileRejected;
    if (inFile != outFile + rejected)
      throw new IllegalStateException(
          "row counts of "
              + name
              + " do not add up: "
              + inFile
              + " != "
              + outFile
              + " + "
              + rejected);
    bytesOut += Files.size(output);
    progress.accept(rowsIn);
    return new FileResult(output, outFile, rejected > 0 ? rejectsPath : null, rejected);
  }

  private int checkHeader(String[] header, String name) {
    List<String> columns = Arrays.asList(header);
    int join = columns.indexOf(config.on().input());
    if (join < 0)
      throw new BadInputException(
          name
              + " has no column '"
              + config.on().input()
              + "' to join on (its columns: "
              + String.join(", ", columns)
              + ")");
    for (String add : config.add()) {
      if (columns.contains(add))
        throw new BadInputException(
            name
                + " has a column '"
                + add
                + "' already; option 'add' would write it twice (rename it with a transform-csv"
                + " stage first)");
    }
    return join;
  }

  private void reject(RejectsFile rejects, long line, String reason, String[] record)
      throws IOException {
    rowsRejected++;
    rejects.add(line, reason, config.csvFormat().format((Object[]) record));
  }

  private static String fieldCount(int fields, int header) {
    return "has " + fields + " field" + (fields == 1 ? "" : "s") + ", header has " + header;
  }

  long rowsIn() {
    return rowsIn;
  }

  long rowsOut() {
    return rowsOut;
  }

  long rowsRejected() {
    return rowsRejected;
  }

  /** Rows whose key the table lacks (kept with empty values, or rejected). */
  long rowsUnmatched() {
    return rowsUnmatched;
  }

  long bytesOut() {
    return bytesOut;
  }
}
