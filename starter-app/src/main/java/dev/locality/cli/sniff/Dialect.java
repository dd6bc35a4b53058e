package dev.locality.cli.sniff;

import org.apache.commons.csv.CSVFormat;

/**
 * How a CSV file is written: delimiter, quote character and line ending.
 *
 * @param lineEnding {@code lf}, {@code crlf} or {@code cr} (what most lines end with)
 */
public record Dialect(char delimiter, char quote, String lineEnding) {
  /** The defaults of transform-csv's {@code delimiter} and {@code quote} options. */
  static final char DEFAULT_DELIMITER = ',';

  static final char DEFAULT_QUOTE = '"';

  /** The format transform-csv reads with (its reference engine, Commons CSV) for this dialect. */
  CSVFormat format() {
    return CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setQuote(quote).get();
  }
}
