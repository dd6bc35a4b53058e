package dev.locality.activities.stages.csv;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Iterator;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Records parsed by Commons CSV, the reference engine, which reads every dialect option (escape
 * character, comment marker). Parse errors become bad input naming the file and line; other I/O
 * errors stay transient. Not thread-safe.
 */
final class CommonsRecordReader implements RecordReader {
  private final CSVParser parser;
  private final Iterator<CSVRecord> records;
  private final String name;
  private final long lineOffset;
  private final Charset encoding;
  private long line;

  /**
   * @param text the decoded text from the first record on (it is closed with this reader)
   * @param lineOffset lines before {@code text} (skipped ones), added to every line number
   */
  CommonsRecordReader(Reader text, CSVFormat format, String name, long lineOffset, Charset encoding)
      throws IOException {
    this.parser = format.parse(text);
    this.records = parser.iterator();
    this.name = name;
    this.lineOffset = lineOffset;
    this.encoding = encoding;
    this.line = lineOffset + 1;
  }

  @Override
  public String[] next() throws IOException {
    line = lineOffset + parser.getCurrentLineNumber() + 1;
    try {
      return records.hasNext() ? records.next().values() : null;
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
                + (lineOffset + parser.getCurrentLineNumber())
                + ")",
            cause);
      }
      BadInputException bad = CsvReadErrors.of(cause, name, line, encoding);
      if (bad != null) throw bad;
      throw cause;
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new BadInputException(name + " line " + line + ": malformed CSV: " + e.getMessage(), e);
    }
  }

  @Override
  public long line() {
    return line;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
