package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Rows printed by Commons CSV, the reference, in any output format (every quote mode, escapes);
 * with {@code nonNumeric}, values that look like numbers are passed as {@link NumericText} so that
 * {@code QuoteMode.NON_NUMERIC} leaves them unquoted. Not thread-safe.
 */
final class CommonsRowWriter implements RowWriter {
  private final CSVPrinter out;
  private final boolean nonNumeric;

  CommonsRowWriter(Writer text, CSVFormat format, boolean nonNumeric) throws IOException {
    this.out = new CSVPrinter(text, format);
    this.nonNumeric = nonNumeric;
  }

  @Override
  public void header(List<String> names) throws IOException {
    out.printRecord(names);
  }

  @Override
  public void row(String[] values) throws IOException {
    if (nonNumeric) {
      for (String value : values) out.print(NumericText.of(value));
      out.println();
    } else {
      out.printRecord((Object[]) values);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
