package dev.locality.activities.stages;

import dev.cel.runtime.CelEvaluationException;
import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.ProgressReporter;
import dev.locality.api.stage.BadInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Transforms CSV files one after another for one run of {@link TransformCsvStage}: header, column
 * plan, filter, output, rejects. Keeps the counts across files (the {@code maxRejects} budget is
 * for the whole stage). Streams row by row. Not thread-safe.
 */
final class CsvFileTransform {
  /** Output format: RFC 4180 quoting (only where needed), comma, '\n' line ends. */
  static final CSVFormat OUTPUT_FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

  private static final char BOM = '\uFEFF';

  /** The stage's options, read and checked. */
  record Settings(
      List<String> select,
      Map<String, String> rename,
      String filter,
      char delimiter,
      long maxRejects,
      boolean usePlanner) {}

  /** What one file gave. */
  /** One file's outcome; {@code rejects} is null when no row of the file was rejected. */
  record FileResult(Path output, long rowsOut, Path rejects, long rowsRejected) {}

  private final Settings settings;
  private final CSVFormat inputFormat;
  private final ProgressReporter progress;
  private long rowsIn;
  private long rowsOut;
  private long rowsFiltered;
  private long rowsRejected;
  private long bytesOut;

  CsvFileTransform(Settings settings, ProgressReporter progress) {
    this.settings = settings;
    this.inputFormat = CSVFormat.DEFAULT.builder().setDelimiter(settings.delimiter()).get();
    this.progress = progress;
  }

  /**
   * Transforms {@code source} into {@code target} (and {@code <target>.rejects.csv} when rows are
   * rejected).
   *
   * @param name the input's name for messages
   */
  FileResult transform(Path source, String name, Path target) throws IOException {
    long fileIn = rowsIn;
    long fileOut = rowsOut;
    long fileFiltered = rowsFiltered;
    long fileRejected = rowsRejected;
    Files.createDirectories(target.getParent());
    try (Reader reader = utf8Reader(source);
        CSVParser parser = inputFormat.parse(reader);
        RejectsFile rejects = new RejectsFile(RejectsFile.besides(target))) {
      Iterator<CSVRecord> records = parser.iterator();
      CSVRecord headerRecord = next(records, parser, name, 1);
      if (headerRecord == null) {
        throw new BadInputException("empty file: " + name + " has no header row");
      }
      List<String> header = header(headerRecord);
      ColumnPlan plan = ColumnPlan.of(header, settings.select(), settings.rename(), name);
      CelRowFilter filter = compileFilter(plan, name);
      try (CSVPrinter out = new CSVPrinter(utf8Writer(target), OUTPUT_FORMAT)) {
        out.printRecord(plan.outputNames());
        while (true) {
          long line = parser.getCurrentLineNumber() + 1;
          CSVRecord row = next(records, parser, name, line);
          if (row == null) break;
          rowsIn++;
          if ((rowsIn & 0xFF) == 0) progress.report(rowsIn);
          if (row.size() != header.size()) {
            reject(rejects, name, line, fieldCountReason(row.size(), header.size()), row);
            continue;
          }
          if (filter != null) {
            boolean keep;
            try {
              keep = filter.test(row);
            } catch (CelEvaluationException e) {
              reject(rejects, name, line, "filter: " + e.getMessage(), row);
              continue;
            }
            if (!keep) {
              rowsFiltered++;
              continue;
            }
          }
          for (int index : plan.sourceIndexes()) out.print(row.get(index));
          out.println();
          rowsOut++;
        }
      }
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
    bytesOut += Files.size(target);
    progress.report(rowsIn);
    return new FileResult(target, out, rejected > 0 ? RejectsFile.besides(target) : null, rejected);
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

  long rowsRejected() {
    return rowsRejected;
  }

  long bytesOut() {
    return bytesOut;
  }

  private CelRowFilter compileFilter(ColumnPlan plan, String name) {
    if (settings.filter() == null) return null;
    try {
      int[] identity = new int[plan.variableNames().size()];
      for (int i = 0; i < identity.length; i++) identity[i] = i;
      return CelRowFilter.compile(
          settings.filter(), plan.variableNames(), identity, settings.usePlanner());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "option 'filter' does not compile against the columns of "
              + name
              + " ("
              + String.join(", ", plan.variableNames())
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private void reject(RejectsFile rejects, String name, long line, String reason, CSVRecord row)
      throws IOException {
    rowsRejected++;
    rejects.add(line, reason, inputFormat.format(row.values()));
    if (rowsRejected > settings.maxRejects()) {
      throw new BadInputException(
          "too many bad rows: more than maxRejects="
              + settings.maxRejects()
              + " rows rejected, the last in "
              + name
              + "; first bad rows of "
              + name
              + ": "
              + String.join("; ", rejects.first()));
    }
  }

  private static String fieldCountReason(int fields, int headerFields) {
    return "has " + fields + " field" + (fields == 1 ? "" : "s") + ", header has " + headerFields;
  }

  private static List<String> header(CSVRecord record) {
    List<String> header = new ArrayList<>(record.toList());
    if (!header.isEmpty() && !header.get(0).isEmpty() && header.get(0).charAt(0) == BOM) {
      header.set(0, header.get(0).substring(1));
    }
    return List.copyOf(header);
  }

  /**
   * The next record, or null at the end; parse errors become bad input naming the file and line,
   * other I/O errors stay transient.
   */
  private static CSVRecord next(
      Iterator<CSVRecord> records, CSVParser parser, String name, long line) throws IOException {
    try {
      return records.hasNext() ? records.next() : null;
    } catch (UncheckedIOException e) {
      IOException cause = e.getCause();
      if (cause instanceof CSVException) {
        throw new BadInputException(
            name
                + " line "
                + line
                + ": malformed CSV (an unbalanced quote?): "
                + cause.getMessage()
                + " (parser stopped at line "
                + parser.getCurrentLineNumber()
                + ")",
            cause);
      }
      if (cause instanceof CharacterCodingException) {
        throw new BadInputException(name + " near line " + line + ": not valid UTF-8 text", cause);
      }
      throw cause;
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new BadInputException(name + " line " + line + ": malformed CSV: " + e.getMessage(), e);
    }
  }

  private static Reader utf8Reader(Path source) throws IOException {
    return new InputStreamReader(
        Files.newInputStream(source),
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  private static BufferedWriter utf8Writer(Path target) throws IOException {
    return new BufferedWriter(
        new OutputStreamWriter(
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            StandardCharsets.UTF_8),
        Buffers.SIZE);
  }
}
