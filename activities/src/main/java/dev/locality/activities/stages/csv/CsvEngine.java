package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.Writer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * Which CSV library parses and prints. {@link #COMMONS} is the reference (Commons CSV, the design's
 * choice); {@link #FAST} is the default, and produces the same records, rejects and output bytes:
 * it reads with FastCSV where FastCSV reads the dialect exactly like Commons CSV (no escape
 * character, no comment marker; anything FastCSV refuses is read again with Commons CSV) and prints
 * with {@link MinimalRowWriter} in the default quote mode; every other option goes to Commons CSV.
 * The fast reader has no {@link RecordSizeGuard} in front: it bounds records itself and leaves
 * oversized records and NUL characters, like everything it refuses, to a second reading with
 * Commons CSV behind the guard, whose message names the line (see {@link FastRecordReader}). {@code
 * CsvEngineConformanceTest} holds the two to the same results. Immutable.
 */
enum CsvEngine {
  /** Commons CSV for reading and printing everything. */
  COMMONS,
  /**
   * FastCSV and {@link MinimalRowWriter} where they are exact (and, for a pass-through transform of
   * UTF-8 CSV, {@link ByteRecordScanner} and {@link ByteCsvWriter}: see {@code
   * CsvFileTransform#readBytes}), Commons CSV for the rest.
   */
  FAST;

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
