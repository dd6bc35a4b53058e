package dev.locality.activities.stages.csv;

import java.io.Closeable;
import java.io.IOException;

/**
 * The records of one CSV input, one after another, as a {@link CsvEngine} parses them. Empty lines
 * are skipped. Line numbers count physical lines (CR, LF and CRLF each end one) from 1 at the first
 * character the reader was given, the way Commons CSV counts them: a record's line is one more than
 * the line breaks read before the record was asked for, so after empty lines it is the first empty
 * line's. Not thread-safe.
 */
public interface RecordReader extends Closeable {
  /**
   * The next record's fields (the array may be reused by the next call), or null at the end.
   *
   * @throws dev.locality.stage.BadInputException when the input is not usable CSV (see {@link
   *     CsvReadErrors})
   * @throws FastCsvRefusedException when the fast engine cannot judge the input: read it again with
   *     the reference engine
   */
  String[] next() throws IOException;

  /** The line of the record {@link #next} returned last, or of the one it will read next. */
  long line();
}
