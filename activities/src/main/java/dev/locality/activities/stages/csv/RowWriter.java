package dev.locality.activities.stages.csv;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Prints the output rows of one file as a {@link CsvEngine} prints them; {@link #close} flushes and
 * closes the text underneath. Not thread-safe.
 */
interface RowWriter extends Closeable {
  /** Prints the header row (names are text, whatever the quote mode). */
  void header(List<String> names) throws IOException;

  /** Prints one row; a null value prints as the output format's null string. */
  void row(String[] values) throws IOException;
}
