package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Prints rows exactly as Commons CSV's {@code QuoteMode.MINIMAL} with quote {@code "} and no escape
 * character does (the stage's default output), without its per-value overhead: values are copied
 * into one char buffer and scanned there, and only the rare value that needs quotes is copied
 * again. Commons CSV's rules: a value is quoted when it starts with a character up to {@code #},
 * ends with one up to a space, or holds a quote, CR, LF or the delimiter; quotes inside are
 * doubled; an empty value is quoted only as the first of its row; null prints as the null string,
 * never quoted. {@code CsvEngineConformanceTest} holds it to Commons CSV. Not thread-safe.
 */
final class MinimalRowWriter implements RowWriter {
  private static final char QUOTE = '"';
  private static final int BUFFER = 64 * 1024;

  private final Writer out;
  private final char delimiter;
  private final String nullString;
  private final String recordSeparator;
  private final char[] buf = new char[BUFFER];
  private int pos;

  /**
   * @param out where the text goes (closed with this writer)
   * @param nullString what a null value prints as
   */
  MinimalRowWriter(Writer out, char delimiter, String nullString, String recordSeparator) {
    this.out = out;
    this.delimiter = delimiter;
    this.nullString = nullString;
    this.recordSeparator = recordSeparator;
  }

  @Override
  public void header(List<String> names) throws IOException {
    row(names.toArray(new String[0]));
  }

  @Override
  public void row(String[] values) throws IOException {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) put(delimiter);
      String value = values[i];
      if (value == null) append(nullString);
      else value(value, i == 0);
    }
    append(recordSeparator);
  }

  private void value(String value, boolean first) throws IOException {
    int len = value.length();
    if (len == 0) {
      if (first) {
        put(QUOTE);
        put(QUOTE);
      }
      return;
    }
    if (len > buf.length - pos) {
      flush();
      if (len > buf.length) {
        if (needsQuotes(value)) quoted(value);
        else out.write(value);
        return;
      }
    }
    int start = pos;
    value.getChars(0, len, buf, start);
    if (buf[start] <= '#' || buf[start + len - 1] <= ' ') {
      quoted(value);
      return;
    }
    char d = delimiter;
    for (int i = start, end = start + len; i < end; i++) {
      char c = buf[i];
      if (c == QUOTE || c == '\n' || c == '\r' || c == d) {
        quoted(value);
        return;
      }
    }
    pos = start + len;
  }

  private boolean needsQuotes(String value) {
    int len = value.length();
    if (value.charAt(0) <= '#' || value.charAt(len - 1) <= ' ') return true;
    for (int i = 0; i < len; i++) {
      char c = value.charAt(i);
      if (c == QUOTE || c == '\n' || c == '\r' || c == delimiter) return true;
    }
    return false;
  }

  /** Prints the value in quotes, doubling the quotes inside (the buffer's copy is overwritten). */
  private void quoted(String value) throws IOException {
    put(QUOTE);
    for (int i = 0, len = value.length(); i < len; i++) {
      char c = value.charAt(i);
      if (c == QUOTE) put(QUOTE);
      put(c);
    }
    put(QUOTE);
  }

  private void append(String text) throws IOException {
    int len = text.length();
    if (len > buf.length - pos) {
      flush();
      if (len > buf.length) {
        out.write(text);
        return;
      }
    }
    text.getChars(0, len, buf, pos);
    pos += len;
  }

  private void put(char c) throws IOException {
    if (pos == buf.length) flush();
    buf[pos++] = c;
  }

  private void flush() throws IOException {
    out.write(buf, 0, pos);
    pos = 0;
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      out.close();
    }
  }
}
