package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.decompress.InlineDecompression;
import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.OutputOpener;
import dev.locality.stage.BadInputException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;

/**
 * Transforms CSV files one after another for one run of {@link TransformCsvStage}: reading (skip
 * lines, header, encoding), the per-row steps of {@link RowProcessor}, dedupe, output and rejects.
 * Keeps the counts across files (the {@code maxRejects} budget is for the whole stage). Streams row
 * by row; only dedupe keeps state per row (bounded, see {@link DuplicateFilter}). Parses and prints
 * with a {@link CsvEngine}, {@link CsvEngine#FAST} unless told otherwise; the fast engine reads a
 * pass-through transform of UTF-8 CSV on the byte lane ({@link #readBytes}: no row is decoded) and
 * everything else with FastCSV. A file the fast engine refuses is read again from its start with
 * {@link CsvEngine#COMMONS} (its counts rewound, its output and rejects written anew), so every
 * result is the reference's. Not thread-safe.
 */
final class CsvFileTransform {
  /** Kept for callers that print CSV like the stage's default output. */
  static final org.apache.commons.csv.CSVFormat OUTPUT_FORMAT =
      org.apache.commons.csv.CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

  private static final char BOM = '\uFEFF';
  private static final int REMEMBERED_REJECTS = 5;

  /**
   * One file's outcome: its output files (one, or one per partition) with their rows; {@code
   * rejects} is null when no row of the file was rejected.
   */
  record FileResult(List<PartitionedRowWriter.Written> outputs, Path rejects, long rowsRejected) {
    /** The rows of all output files. */
    long rowsOut() {
      return outputs.stream().mapToLong(PartitionedRowWriter.Written::rows).sum();
    }
  }

  private final TransformCsvConfig settings;
  private final int dedupeMemoryKeys;
  private final long maxRecordBytes;
  private final LongConsumer progress;
  private final Logger log;
  private final OutputOpener outputFiles;
  private final CsvEngine engine;
  private final InputOpener inputs;
  private final List<String> firstRejects = new ArrayList<>();
  private long rowsIn;
  private long rowsOut;
  private long rowsFiltered;
  private long rowsDeduplicated;
  private long rowsRejected;
  private long bytesOut;
  private long rereads;
  private long byteLaneReads;
  private long parquetBufferBytes = 64L << 20;
  private int maxOpenPartitions = 32;
  private List<PartitionedRowWriter.Written> written = List.of();

  /**
   * Opens an input's bytes (plain, or inflated as {@link
   * dev.locality.activities.stages.decompress.InlineDecompression} does); called once per read of a
   * file, so twice when the fast engine's refusal makes it read the file again. The stream is
   * closed by the reader that opened it, also when reading stops early.
   */
  interface InputOpener {
    /** Files as they are. */
    InputOpener PLAIN =
        new InputOpener() {
          @Override
          public InputStream open(Path source, String name) throws IOException {
            return Files.newInputStream(source);
          }

          @Override
          public BadInputException explain(
              Path source, String name, BadInputException found, Runnable heartbeat) {
            return found;
          }
        };

    InputStream open(Path source, String name) throws IOException;

    /**
     * The failure to report when reading {@code source} failed as bad input: {@code found}, or what
     * lies below it (corrupt compressed data whose garbage the parser refused first).
     */
    BadInputException explain(Path source, String name, BadInputException found, Runnable heartbeat)
        throws IOException;

    /** Compressed files inflated as they are read, plain files as they are. */
    static InputOpener inflating(InlineDecompression inflate) {
      return new InputOpener() {
        @Override
        public InputStream open(Path source, String name) throws IOException {
          return inflate.open(source, name);
        }

        @Override
        public BadInputException explain(
            Path source, String name, BadInputException found, Runnable heartbeat)
            throws IOException {
          return inflate.explain(source, name, found, heartbeat);
        }
      };
    }
  }

  /**
   * @param maxRecordBytes the largest record (see {@link RecordSizeGuard}), worker setting {@link
   *     TransformCsvOptions#MAX_CSV_FIELD_BYTES}
   * @param inputs opens the input files
   */
  CsvFileTransform(
      TransformCsvConfig settings,
      int dedupeMemoryKeys,
      long maxRecordBytes,
      LongConsumer progress,
      Logger log,
      OutputOpener outputFiles,
      InputOpener inputs) {
    this(
        settings,
        dedupeMemoryKeys,
        maxRecordBytes,
        progress,
        log,
        outputFiles,
        inputs,
        CsvEngine.FAST);
  }

  /**
   * With the engine to use ({@link CsvEngine#COMMONS} for tests), reading the files as they are.
   */
  CsvFileTransform(
      TransformCsvConfig settings,
      int dedupeMemoryKeys,
      long maxRecordBytes,
      LongConsumer progress,
      Logger log,
      OutputOpener outputFiles,
      CsvEngine engine) {
    this(
        settings,
        dedupeMemoryKeys,
        maxRecordBytes,
        progress,
        log,
        outputFiles,
        InputOpener.PLAIN,
        engine);
  }

  private CsvFileTransform(
      TransformCsvConfig settings,
      int dedupeMemoryKeys,
      long maxRecordBytes,
      LongConsumer progress,
      Logger log,
      OutputOpener outputFiles,
      InputOpener inputs,
      CsvEngine engine) {
    this.inputs = inputs;
    this.engine = engine;
    this.outputFiles = outputFiles;
    this.settings = settings;
    this.dedupeMemoryKeys = dedupeMemoryKeys;
    this.maxRecordBytes = maxRecordBytes;
    this.progress = progress;
    this.log = log;
  }

  /**
   * Sets the Parquet bytes the open Parquet writer may buffer (worker setting {@link
   * TransformCsvOptions#MAX_PARQUET_BUFFER_BYTES}); row groups are at most this large.
   */
  void parquetBufferBytes(long bytes) {
    this.parquetBufferBytes = bytes;
  }

  /**
   * Sets the partition files open at once (worker setting {@link
   * TransformCsvOptions#MAX_OPEN_PARTITIONS}); with Parquet each buffers at most {@code
   * parquetBufferBytes / maxOpenPartitions}.
   */
  void maxOpenPartitions(int files) {
    this.maxOpenPartitions = files;
  }

  /**
   * Transforms {@code source} into {@code output}, writing rejected rows to {@code rejectsPath}
   * (created on the first reject only) and dedupe's spill files under {@code scratch} (deleted
   * again). The names must be free: see {@link dev.locality.activities.stages.csv.OutputNames}.
   *
   * @param name the input's name for messages
   * @param output the output file; with {@code partitionBy}, the partitions' directory (its parent)
   *     and the name of each partition's file (its file name)
   * @throws BadInputException when the file is not usable CSV, a record is larger than {@code
   *     maxCsvFieldBytes}, or a count limit on rejects is exceeded
   */
  FileResult transform(Path source, String name, Path output, Path rejectsPath, Path scratch)
      throws IOException {
    return transform(List.of(source), List.of(name), output, rejectsPath, scratch);
  }

  /**
   * Transforms the rows of all {@code sources}, in order, into one {@code output} with one header
   * ({@code output: {mode: merge}}), reading them as one ({@link MergedRecordReader}: every input's
   * header must be the first's). Rejected rows of every input go to {@code rejectsPath}, their
   * reason naming the input; dedupe works across all inputs. A single source is {@link
   * #transform(Path, String, Path, Path, Path)}.
   *
   * @param names the inputs' names for messages, in the order of {@code sources}
   * @throws BadInputException as {@link #transform(Path, String, Path, Path, Path)}, and when the
   *     headers differ, naming the input and the columns
   */
  FileResult transform(
      List<Path> sources, List<String> names, Path output, Path rejectsPath, Path scratch)
      throws IOException {
    Path source = sources.get(0);
    String name = sources.size() == 1 ? names.get(0) : String.join(", ", names);
    long fileIn = rowsIn;
    long fileOut = rowsOut;
    long fileFiltered = rowsFiltered;
    long fileRejected = rowsRejected;
    Files.createDirectories(output.getParent());
    try {
      readWithFallback(sources, names, output, rejectsPath, scratch);
    } catch (BadInputException e) {
      if (sources.size() > 1) throw e; // explained against its input by MergedRecordReader
      throw inputs.explain(source, name, e, () -> progress.accept(rowsIn));
    }
    long in = rowsIn - fileIn;
    long out = rowsOut - fileOut;
    long filtered = rowsFiltered - fileFiltered;
    long rejected = rowsRejected - fileRejected;
    if (in != out + filtered + rejected) {
      throw new IllegalStateException(
          "row counts of "
              + name
              + " do not add up: in "
              + in
              + " != out "
              + out
              + " + filtered "
              + filtered
              + " + rejected "
              + rejected);
    }
    for (PartitionedRowWriter.Written w : written) bytesOut += Files.size(w.file());
    progress.accept(rowsIn);
    return new FileResult(written, rejected > 0 ? rejectsPath : null, rejected);
  }

  /**
   * Reads one file with the configured engine, and again from its start with {@link
   * CsvEngine#COMMONS} when the fast engine refuses it (its counts rewound, its output and rejects
   * deleted first).
   */
  private void readWithFallback(
      List<Path> sources, List<String> names, Path output, Path rejectsPath, Path scratch)
      throws IOException {
    String name = String.join(", ", names);
    long fileIn = rowsIn;
    long fileOut = rowsOut;
    long fileFiltered = rowsFiltered;
    long fileRejected = rowsRejected;
    long fileDeduplicated = rowsDeduplicated;
    int firstRejectsBefore = firstRejects.size();
    try {
      read(sources, names, output, rejectsPath, scratch, engine);
    } catch (FastCsvRefusedException e) {
      // what the fast engine cannot judge like Commons CSV: Commons CSV's result is the result
      rowsIn = fileIn;
      rowsOut = fileOut;
      rowsFiltered = fileFiltered;
      rowsRejected = fileRejected;
      rowsDeduplicated = fileDeduplicated;
      firstRejects.subList(firstRejectsBefore, firstRejects.size()).clear();
      if (settings.partitionBy() != null) deletePartFiles(output);
      Files.deleteIfExists(output);
      Files.deleteIfExists(rejectsPath);
      rereads++;
      log.info(
          "{}: reading it again with Commons CSV, which the fast engine left it to ({})",
          name,
          e.getMessage());
      read(sources, names, output, rejectsPath, scratch, CsvEngine.COMMONS);
    }
  }

  /** Reads one file, or several as one, with {@code engine}, counting rows into the totals. */
  private void read(
      List<Path> sources,
      List<String> names,
      Path output,
      Path rejectsPath,
      Path scratch,
      CsvEngine engine)
      throws IOException {
    if (readsBytes(engine, sources.size())) {
      readBytes(sources.get(0), names.get(0), output, rejectsPath);
      return;
    }
    long fileOutStart = rowsOut;
    String name = names.get(0);
    MergedRecordReader merged =
        sources.size() == 1
            ? null
            : new MergedRecordReader(
                sources,
                names,
                (source, input) -> open(engine, source, input),
                inputs,
                settings.header() == null,
                this::normalHeader,
                () -> progress.accept(rowsIn));
    try (RecordReader records = merged != null ? merged : open(engine, sources.get(0), name);
        RejectsFile rejects = new RejectsFile(rejectsPath)) {
      List<String> header = settings.header();
      if (header == null) header = headerOf(records.next(), name);
      RowProcessor rows = RowProcessor.of(header, settings, name);
      PartitionedRowWriter partitions = partitioned(engine, output, rows, name);
      written = List.of();
      try (RowWriter out =
              partitions != null ? partitions : openWriter(engine, output, rows.outputColumns());
          DuplicateFilter dedupe =
              rows.dedupes() ? new DuplicateFilter(dedupeMemoryKeys, scratch) : null) {
        if (settings.outputHeader()) out.header(rows.outputNames());
        while (true) {
          String[] row = records.next();
          if (row == null) break;
          long line = records.line();
          rowsIn++;
          if ((rowsIn & 0xFF) == 0) progress.accept(rowsIn);
          String rowName = merged != null ? merged.currentName() : name;
          if (row.length != header.size()) {
            reject(
                rejects,
                rowName,
                merged != null,
                line,
                fieldCountReason(row.length, header.size()),
                row);
            continue;
          }
          String[] result;
          try {
            result = rows.process(row);
          } catch (RowProcessor.Rejected e) {
            reject(rejects, rowName, merged != null, line, e.getMessage(), row);
            continue;
          }
          if (result == null) {
            rowsFiltered++;
            continue;
          }
          if (partitions != null) {
            String problem = partitions.problem(result);
            if (problem != null) {
              reject(rejects, rowName, merged != null, line, problem, row);
              continue;
            }
          }
          if (dedupe != null) {
            DuplicateFilter.Verdict verdict = dedupe.offer(rows.key(result), result);
            if (verdict != DuplicateFilter.Verdict.FIRST) continue; // counted after the file
          }
          out.row(result);
          rowsOut++;
        }
        if (dedupe != null) {
          long before = rowsOut;
          dedupe.drainSpilled(
              kept -> {
                out.row(kept);
                rowsOut++;
              });
          rowsFiltered += dedupe.duplicates();
          rowsDeduplicated += dedupe.duplicates();
          log.info(
              "{}: {} duplicate rows dropped by dedupe (counted as filtered), {} rows spilled to"
                  + " disk, {} of them kept",
              name,
              dedupe.duplicates(),
              dedupe.spilled(),
              rowsOut - before);
        }
        if (partitions != null) partitions.finish();
      }
      written =
          partitions != null
              ? partitions.written()
              : List.of(new PartitionedRowWriter.Written(output, rowsOut - fileOutStart));
      if (partitions != null && partitions.passes() > 1) {
        log.info(
            "{}: more than maxOpenPartitions={} partitions; spilled rows written in {} passes",
            name,
            maxOpenPartitions,
            partitions.passes());
      }
    }
  }

  /**
   * Whether {@code engine} reads this stage's input on the byte lane ({@link #readBytes}): the fast
   * engine, one UTF-8 input in an ASCII dialect FastCSV reads, CSV printed in the minimal quote
   * mode with an ASCII delimiter, and every output value an input field as it is (no trim, types,
   * derive, dedupe or partitions: the filter, select, rename and null mapping are the lane's).
   */
  private boolean readsBytes(CsvEngine engine, int sources) {
    var in = settings.inputFormat();
    var out = settings.outputFormat();
    if (engine != CsvEngine.FAST
        || sources != 1
        || !engine.readsFast(in)
        || !engine.writesFast(out)
        || settings.nonNumericQuoting()
        || settings.output().format() != OutputFormat.CSV
        || !StandardCharsets.UTF_8.equals(settings.encoding())) {
      return false;
    }
    char delimiter = in.getDelimiterString().charAt(0);
    char quote = in.getQuoteCharacter();
    return delimiter < 0x80
        && quote < 0x80
        && delimiter != quote
        && delimiter != '\r'
        && delimiter != '\n'
        && quote != '\r'
        && quote != '\n'
        && out.getDelimiterString().charAt(0) < 0x80
        && settings.types().isEmpty()
        && !settings.trimAll()
        && settings.trim().isEmpty()
        && settings.derive().isEmpty()
        && settings.dedupe() == null
        && settings.partitionBy() == null;
  }

  /**
   * The byte lane: reads {@code source} with a {@link ByteRecordScanner} and prints with a {@link
   * ByteCsvWriter} on the calling thread, decoding only the fields the filter reads (and the fields
   * of a rejected row, for the rejects file). Gives the rows, rejects and bytes that {@link
   * RowProcessor} and {@link MinimalRowWriter} give for the same options; what the scanner refuses
   * is read again with Commons CSV by {@link #readWithFallback}.
   */
  private void readBytes(Path source, String name, Path output, Path rejectsPath)
      throws IOException {
    var in = settings.inputFormat();
    var out = settings.outputFormat();
    long fileOutStart = rowsOut;
    byteLaneReads++;
    InputStream bytes = inputs.open(source, name);
    ByteRecordScanner records;
    try {
      records =
          new ByteRecordScanner(
              bytes,
              in.getDelimiterString().charAt(0),
              in.getQuoteCharacter(),
              out.getDelimiterString().charAt(0),
              maxRecordBytes,
              settings.skipLines());
    } catch (IOException | RuntimeException | Error e) {
      bytes.close();
      throw e;
    }
    try (records;
        RejectsFile rejects = new RejectsFile(rejectsPath)) {
      List<String> header = settings.header();
      if (header == null) header = headerOf(records.next() ? records.texts() : null, name);
      RowProcessor rows = RowProcessor.of(header, settings, name);
      int[] used = rows.filterFields();
      Object[] values = new Object[header.size()];
      ByteFieldPrinter fields =
          new ByteFieldPrinter(
              rows.sourceIndexes(),
              in.getDelimiterString().equals(out.getDelimiterString()),
              settings.emptyAsNull(),
              settings.nullValue() == null
                  ? null
                  : settings.nullValue().getBytes(StandardCharsets.UTF_8));
      written = List.of();
      try (ByteCsvWriter writer =
          new ByteCsvWriter(
              bytesTo(output),
              out.getDelimiterString().charAt(0),
              out.getNullString(),
              out.getRecordSeparator())) {
        if (settings.outputHeader()) writer.textRow(rows.outputNames());
        int width = header.size();
        while (records.next()) {
          rowsIn++;
          if ((rowsIn & 0xFF) == 0) progress.accept(rowsIn);
          if (records.fields() != width) {
            reject(
                rejects,
                name,
                false,
                records.line(),
                fieldCountReason(records.fields(), width),
                records.texts());
            continue;
          }
          if (rows.filters()) {
            for (int f : used) {
              values[f] = fields.isNull(records, f) ? null : records.sharedText(f);
            }
            boolean keep;
            try {
              keep = rows.keeps(values);
            } catch (RowProcessor.Rejected e) {
              reject(rejects, name, false, records.line(), e.getMessage(), records.texts());
              continue;
            }
            if (!keep) {
              rowsFiltered++;
              continue;
            }
          }
          fields.print(records, writer);
          rowsOut++;
        }
      }
      written = List.of(new PartitionedRowWriter.Written(output, rowsOut - fileOutStart));
    }
  }

  /** Deletes every partition's file named as {@code output} (one input's part files). */
  private static void deletePartFiles(Path output) throws IOException {
    String part = output.getFileName().toString();
    try (var files = Files.walk(output.getParent())) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals(part)).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /**
   * The writer of the partitions of one input, or null without {@code partitionBy}.
   *
   * @throws BadInputException when a partition column is not an output column, or every output
   *     column is one
   */
  private PartitionedRowWriter partitioned(
      CsvEngine engine, Path output, RowProcessor rows, String name) {
    List<String> by = settings.partitionBy();
    if (by == null) return null;
    OutputColumns columns = rows.outputColumns();
    int[] indexes = new int[by.size()];
    for (int i = 0; i < indexes.length; i++) {
      indexes[i] = columns.names().indexOf(by.get(i));
      if (indexes[i] < 0) {
        throw new BadInputException(
            "option 'partitionBy': unknown column '"
                + by.get(i)
                + "' in the output of "
                + name
                + " (output columns: "
                + String.join(", ", columns.names())
                + ")");
      }
    }
    if (indexes.length >= columns.size()) {
      throw new BadInputException(
          "option 'partitionBy' names every output column of "
              + name
              + "; the files need at least one column that is not a partition column");
    }
    int[] sorted = indexes.clone();
    java.util.Arrays.sort(sorted);
    OutputColumns data = columns.without(sorted);
    return new PartitionedRowWriter(
        output.getParent(),
        output.getFileName().toString(),
        by,
        indexes,
        columns.size(),
        file -> {
          RowWriter w = openWriter(engine, file, data);
          if (settings.outputHeader()) w.header(data.names());
          return w;
        },
        maxOpenPartitions,
        () -> progress.accept(rowsIn));
  }

  /**
   * Checks the fractional reject budget over all files, once all are read.
   *
   * @throws BadInputException naming the first bad rows
   */
  void checkRejectsAtEnd() {
    if (settings.maxRejects().exceededAtEnd(rowsRejected, rowsIn)) throw tooManyRejects();
  }

  long rowsIn() {
    return rowsIn;
  }

  long rowsOut() {
    return rowsOut;
  }

  long rowsFiltered() {
    return rowsFiltered;
  }

  long rowsDeduplicated() {
    return rowsDeduplicated;
  }

  long rowsRejected() {
    return rowsRejected;
  }

  long bytesOut() {
    return bytesOut;
  }

  /** Files read again with Commons CSV because FastCSV refused them. */
  long rereads() {
    return rereads;
  }

  /** Reads on the byte lane (a read the scanner refused counts, and is also a reread). */
  long byteLaneReads() {
    return byteLaneReads;
  }

  /**
   * Records a rejected row.
   *
   * @param nameInReason whether the rejects file's reason names the input (merged inputs share one
   *     rejects file)
   */
  private void reject(
      RejectsFile rejects,
      String name,
      boolean nameInReason,
      long line,
      String reason,
      String[] row)
      throws IOException {
    rowsRejected++;
    rejects.add(
        line,
        nameInReason ? name + ": " + reason : reason,
        settings.inputFormat().format((Object[]) row));
    if (firstRejects.size() < REMEMBERED_REJECTS) {
      firstRejects.add(name + " line " + line + ": " + reason);
    }
    if (settings.maxRejects().exceededSoFar(rowsRejected, rowsIn)) throw tooManyRejects();
  }

  private BadInputException tooManyRejects() {
    RejectLimit limit = settings.maxRejects();
    String rate =
        rowsIn == 0
            ? ""
            : " ("
                + java.math.BigDecimal.valueOf(rowsRejected * 100.0 / rowsIn)
                    .round(new java.math.MathContext(3))
                    .stripTrailingZeros()
                    .toPlainString()
                + "%)";
    return new BadInputException(
        "too many bad rows: "
            + rowsRejected
            + " of "
            + rowsIn
            + (limit.isPercentage() ? " rows in all inputs" : " rows read")
            + rate
            + " were rejected, more than maxRejects="
            + limit
            + (limit.isPercentage() ? "" : " (stopped at the first reject over it)")
            + "; first bad rows: "
            + String.join("; ", firstRejects));
  }

  private static String fieldCountReason(int fields, int headerFields) {
    return "has " + fields + " field" + (fields == 1 ? "" : "s") + ", header has " + headerFields;
  }

  /**
   * The column names of a file from its first record: normalized, and checked to be unique.
   *
   * @param record the first record, or null when the file has none
   * @throws BadInputException when there is no record, or a name occurs twice
   */
  private List<String> headerOf(String[] record, String name) {
    if (record == null) {
      long skipped = settings.skipLines();
      throw new BadInputException(
          "empty file: "
              + name
              + " has no header row"
              + (skipped > 0 ? " after skipping " + skipped + " lines" : ""));
    }
    List<String> header = normalHeader(List.of(record.clone()));
    checkUniqueNames(header, name);
    return header;
  }

  /** A header row as column names: trimmed when every column is. */
  private List<String> normalHeader(List<String> row) {
    return settings.trimAll() ? row.stream().map(String::strip).toList() : row;
  }

  private void checkUniqueNames(List<String> header, String name) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      Integer first = seen.putIfAbsent(header.get(i), i);
      if (first != null) {
        throw new BadInputException(
            "the header of "
                + name
                + " names column '"
                + header.get(i)
                + "' twice (columns "
                + (first + 1)
                + " and "
                + (i + 1)
                + (settings.trimAll() ? ", after trimming" : "")
                + "); give unique names with header: [...] and skipLines: 1");
      }
    }
  }

  /**
   * The records of {@code source}, parsed on a thread of their own ({@link ReadAheadRecordReader}):
   * FastCSV's on the unguarded text when {@code engine} reads the dialect fast (it bounds records
   * itself and refuses a NUL), else Commons CSV's behind the guard.
   */
  private RecordReader open(CsvEngine engine, Path source, String name) throws IOException {
    return new ReadAheadRecordReader(parser(engine, source, name));
  }

  /** The records of {@code source} as {@code engine} parses them, on the caller's thread. */
  private RecordReader parser(CsvEngine engine, Path source, String name) throws IOException {
    var format = settings.inputFormat();
    boolean fast = engine.readsFast(format);
    Reader text = reader(source, name, fast);
    try {
      if (fast) {
        return new FastRecordReader(
            text,
            format.getDelimiterString().charAt(0),
            format.getQuoteCharacter(),
            maxRecordBytes,
            name,
            settings.skipLines(),
            settings.encoding());
      }
      return new CommonsRecordReader(
          guarded(text), format, name, settings.skipLines(), settings.encoding());
    } catch (IOException | RuntimeException | Error e) {
      text.close(); // stops an inflating thread too
      throw e;
    }
  }

  /** The text as the parser sees it, behind the guard that bounds a record's size. */
  private Reader guarded(Reader text) {
    var format = settings.inputFormat();
    return new RecordSizeGuard(
        text,
        maxRecordBytes,
        format.getDelimiterString().charAt(0),
        format.getQuoteCharacter(),
        format.getEscapeCharacter(),
        settings.skipLines() + 1);
  }

  /**
   * A strict decoder of the input's encoding, past a byte order mark and the skipped lines.
   *
   * @param refuseNul whether a NUL character throws {@link FastCsvRefusedException}
   * @throws BadInputException when the file ends within the skipped lines' decoding errors
   */
  private Reader reader(Path source, String name, boolean refuseNul) throws IOException {
    BufferedReader reader =
        new BufferedReader(
            new StrictTextReader(
                inputs.open(source, name), settings.encoding(), Buffers.SIZE, refuseNul),
            Buffers.SIZE);
    try {
      reader.mark(1);
      if (reader.read() != BOM) reader.reset();
      for (long skipped = 0; skipped < settings.skipLines(); ) {
        int c = reader.read();
        if (c < 0) break;
        if (c == '\n') skipped++;
      }
    } catch (CharacterCodingException e) {
      reader.close();
      throw new BadInputException(name + " within the skipped lines: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
    return reader;
  }

  /** The writer of one output file in the configured format (CSV as {@code engine} prints it). */
  private RowWriter openWriter(CsvEngine engine, Path target, OutputColumns columns)
      throws IOException {
    OutputSpec spec = settings.output();
    switch (spec.format()) {
      case JSONL:
        {
          OutputStream file = outputFiles.create(target);
          try {
            return new JsonLinesRowWriter(settings.compression().wrap(file), columns);
          } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
          }
        }
      case PARQUET:
        {
          OutputStream file =
              new java.io.BufferedOutputStream(outputFiles.create(target), Buffers.SIZE);
          try {
            return new ParquetRowWriter(
                file,
                target.getFileName().toString(),
                columns,
                spec.codec(),
                Math.min(
                    spec.rowGroupBytes(),
                    settings.partitionBy() == null
                        ? parquetBufferBytes
                        : Math.max(
                            OutputSpec.MIN_ROW_GROUP_BYTES,
                            parquetBufferBytes / maxOpenPartitions)));
          } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
          }
        }
      default:
        return engine.writer(writer(target), settings.outputFormat(), settings.nonNumericQuoting());
    }
  }

  /** The output file's stream, compressed as configured (closed again if that fails). */
  private OutputStream bytesTo(Path target) throws IOException {
    OutputStream file = outputFiles.create(target);
    try {
      return settings.compression().wrap(file);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private BufferedWriter writer(Path target) throws IOException {
    return new BufferedWriter(
        new OutputStreamWriter(bytesTo(target), StandardCharsets.UTF_8), Buffers.SIZE);
  }
}
