package dev.locality.activities.stages.csv;

/**
 * FastCSV refused input that Commons CSV, the reference, may read differently (text after a closing
 * quote, an unclosed quote): the file is read again with the reference engine, whose rows or error
 * message are then the result. Unchecked; never leaves the package.
 */
final class FastCsvRefusedException extends RuntimeException {
  FastCsvRefusedException(RuntimeException cause) {
    super(cause.getMessage(), cause, false, false);
  }

  FastCsvRefusedException(String why) {
    super(why, null, false, false);
  }
}
