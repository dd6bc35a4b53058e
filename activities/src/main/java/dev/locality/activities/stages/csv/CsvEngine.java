package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.Charset;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * Which CSV library parses and prints. {@link #COMMONS} is the reference (Commons CSV, the design's
 * choice); {@link #FAST} is the default, and produces the same records, rejects and output bytes:
 * it reads with FastCSV where FastCSV reads the dialect exactly like Commons CSV (no escape
 * character, no comment marker; anything FastCSV refuses is read again with Commons CSV) and prints
 * with {@link MinimalRowWriter} in the default quote mode; every other option goes to Commons CSV.
 * {@code CsvEngineConformanceTest} holds the two to the same results. Immutable.
 */
enum CsvEngine {
  /** Commons CSV for reading and printing everything. */
  COMMONS,
  /** FastCSV and {@link MinimalRowWriter} where they are exact, Commons CSV for the rest. */
  FAST;

  /** The FastCSV buffer must hold a field of a record the guard let through, and a read. */
  private static final int READ_AHEAD = 64 * 1024;

  /** Whether this engine reads {@code format} with FastCSV. */
  boolean readsFast(CSVFormat format) {
    return this == FAST
        && format.getEscapeCharacter() == null
        && format.getCommentMarker() == null
        && format.getQuoteCharacter() != null
        && format.getDelimiterString().length() == 1
        && format.getIgnoreEmptyLines()
        && !format.getIgnoreSurroundingSpaces()
        && !format.getTrim()
        && !format.getLenientEof()
        && !format.getTrailingData();
  }

  /** Whether this engine prints {@code format} with {@link MinimalRowWriter}. */
  boolean writesFast(CSVFormat format) {
    return this == FAST
        && (format.getQuoteMode() == null || format.getQuoteMode() == QuoteMode.MINIMAL)
        && format.getEscapeCharacter() == null
        && Character.valueOf('"').equals(format.getQuoteCharacter())
        && format.getDelimiterString().length() == 1
        && format.getNullString() != null
        && format.getRecordSeparator() != null
        && !format.getTrim()
        && !format.getTrailingDelimiter()
        && format.getHeader() == null
        && format.getHeaderComments() == null;
  }

  /**
   * Opens the records of {@code text}, which starts at line {@code lineOffset + 1}.
   *
   * @param maxRecord the guard's limit on a record (see {@link RecordSizeGuard})
   */
  RecordReader reader(
      Reader text, CSVFormat format, long maxRecord, String name, long lineOffset, Charset encoding)
      throws IOException {
    if (!readsFast(format)) {
      return new CommonsRecordReader(text, format, name, lineOffset, encoding);
    }
    int maxField = (int) Math.min(Integer.MAX_VALUE - 16, maxRecord + READ_AHEAD);
    return new FastRecordReader(
        text,
        format.getDelimiterString().charAt(0),
        format.getQuoteCharacter(),
        maxField,
        name,
        lineOffset,
        encoding);
  }

  /**
   * Opens a printer of rows to {@code text}.
   *
   * @param nonNumeric whether {@code format} is {@code QuoteMode.NON_NUMERIC} over text values
   */
  RowWriter writer(Writer text, CSVFormat format, boolean nonNumeric) throws IOException {
    if (!writesFast(format)) return new CommonsRowWriter(text, format, nonNumeric);
    return new MinimalRowWriter(
        text,
        format.getDelimiterString().charAt(0),
        format.getNullString(),
        format.getRecordSeparator());
  }
}
