package dev.locality.activities.stages.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints UTF-8 CSV rows from byte ranges, exactly as {@link MinimalRowWriter} prints the same
 * values as text (Commons CSV's {@code QuoteMode.MINIMAL}, quote {@code "}, no escape): a value is
 * quoted when its first character is at most {@code #}, its last at most a space, or it holds a
 * quote, CR, LF or the delimiter; quotes inside are doubled; an empty value is quoted only as the
 * first of its row; null prints as the null string. The rules look at ASCII characters only, and in
 * UTF-8 every byte of a non-ASCII character is above them, so they can be applied to the bytes. A
 * value passed through unchanged is copied, never decoded. Not thread-safe; closing it closes the
 * stream.
 */
final class ByteCsvWriter implements Closeable {
  private static final byte QUOTE = '"';
  private static final int BUFFER = 64 * 1024;

  private final OutputStream out;
  private final byte delimiter;
  private final byte[] nullString;
  private final byte[] recordSeparator;

  /** Which bytes force quotes anywhere in a value: the quote, CR, LF and the delimiter. */
  private final boolean[] special = new boolean[256];

  /** Skips the bytes that are not special in words. */
  private final ByteSearch search;

  private final byte[] buf = new byte[BUFFER];
  private int pos;

  /**
   * @param out where the bytes go (closed with this writer)
   * @param delimiter an ASCII delimiter
   */
  ByteCsvWriter(OutputStream out, char delimiter, String nullString, String recordSeparator) {
    if (delimiter >= 0x80) throw new IllegalArgumentException("the delimiter must be ASCII");
    this.out = out;
    this.delimiter = (byte) delimiter;
    this.nullString = nullString.getBytes(StandardCharsets.UTF_8);
    this.recordSeparator = recordSeparator.getBytes(StandardCharsets.UTF_8);
    special[QUOTE] = true;
    special['\r'] = true;
    special['\n'] = true;
    special[delimiter] = true;
    search = new ByteSearch(new byte[] {QUOTE, '\r', '\n', (byte) delimiter}, false);
  }

  /** Prints a row of text values (the header). */
  void textRow(Iterable<String> values) throws IOException {
    boolean first = true;
    for (String value : values) {
      value(value.getBytes(StandardCharsets.UTF_8), first);
      first = false;
    }
    endRow();
  }

  /** Prints the value held by {@code bytes[from, to)}, after a delimiter unless it is the first. */
  void value(byte[] bytes, int from, int to, boolean first) throws IOException {
    print(bytes, from, to, first, false);
  }

  /**
   * {@link #value(byte[], int, int, boolean)} for a value known to hold no quote, CR, LF or
   * delimiter (only its first and last bytes are looked at).
   */
  void cleanValue(byte[] bytes, int from, int to, boolean first) throws IOException {
    print(bytes, from, to, first, true);
  }

  private void print(byte[] bytes, int from, int to, boolean first, boolean clean)
      throws IOException {
    if (!first) put(delimiter);
    int len = to - from;
    if (len == 0) {
      if (first) {
        put(QUOTE);
        put(QUOTE);
      }
      return;
    }
    if (clean
        ? (bytes[from] & 0xFF) <= '#' || (bytes[to - 1] & 0xFF) <= ' '
        : needsQuotes(bytes, from, to)) {
      quoted(bytes, from, to);
      return;
    }
    copy(bytes, from, to);
  }

  /**
   * Prints {@code bytes[from, to)} as they are, after a delimiter unless they start the row: values
   * and delimiters the caller has checked print this way.
   */
  void raw(byte[] bytes, int from, int to, boolean first) throws IOException {
    if (!first) put(delimiter);
    copy(bytes, from, to);
  }

  /** Prints a whole byte array as a value. */
  void value(byte[] bytes, boolean first) throws IOException {
    value(bytes, 0, bytes.length, first);
  }

  /** Prints a null value. */
  void nullValue(boolean first) throws IOException {
    if (!first) put(delimiter);
    for (byte b : nullString) put(b);
  }

  /** Ends the row. */
  void endRow() throws IOException {
    for (byte b : recordSeparator) put(b);
  }

  private boolean needsQuotes(byte[] bytes, int from, int to) {
    if ((bytes[from] & 0xFF) <= '#' || (bytes[to - 1] & 0xFF) <= ' ') return true;
    boolean[] s = special;
    for (int i = from; i < to; i++) {
      i = search.skip(bytes, i, to);
      if (i < to && s[bytes[i] & 0xFF]) return true;
    }
    return false;
  }

  /** Prints the value in quotes, doubling the quotes inside; runs without quotes are copied. */
  private void quoted(byte[] bytes, int from, int to) throws IOException {
    put(QUOTE);
    int run = from;
    for (int i = from; i < to; i++) {
      if (bytes[i] == QUOTE) {
        copy(bytes, run, i + 1);
        put(QUOTE);
        run = i + 1;
      }
    }
    copy(bytes, run, to);
    put(QUOTE);
  }

  private void copy(byte[] bytes, int from, int to) throws IOException {
    int len = to - from;
    if (len > buf.length - pos) {
      flush();
      if (len > buf.length) {
        out.write(bytes, from, len);
        return;
      }
    }
    System.arraycopy(bytes, from, buf, pos, len);
    pos += len;
  }

  private void put(byte b) throws IOException {
    if (pos == buf.length) flush();
    buf[pos++] = b;
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
