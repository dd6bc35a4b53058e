package dev.locality.activities.stages.csv;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * A {@link Reader} in front of a CSV parser that bounds the memory one record can take: it follows
 * the CSV structure (fields, quotes, escapes, line breaks outside quotes) as the characters pass
 * and throws {@link RecordTooLargeException} as soon as the current record weighs more than the
 * limit. A record's weight is its characters plus {@value #FIELD_WEIGHT} per field (what a short
 * field costs on the heap), so neither one huge field nor a huge number of tiny ones gets past.
 *
 * <p>Without it, one unbalanced quote makes the parser gather the rest of the file into one field
 * (an {@link OutOfMemoryError} on a large file). The guard does not depend on the parser: a record
 * starts after a line break outside quotes, so the line it names is where the record started,
 * whatever the parser has buffered. Its rules match RFC 4180 as Commons CSV reads it: a quote opens
 * a quoted field only as the field's first character, a doubled quote inside one is a quote, the
 * escape character (if any) takes the next character literally, CR, LF and CRLF are line breaks.
 * Where the two could differ (comment lines, text after a closing quote) the parser fails anyway.
 *
 * <p>It also refuses a NUL character ({@link NulCharacterException}): text CSV never holds one; it
 * means a binary file, or UTF-16 text read as UTF-8, which would otherwise pass as garbage rows.
 *
 * <p>The limit must exceed the parser's read-ahead (8 K characters) many times over, so that a
 * record is judged before the parser has taken it: see {@link #MIN_LIMIT}. Not thread-safe.
 */
public final class RecordSizeGuard extends FilterReader {
  /** The weight of one field on top of its characters: about a short String's heap size. */
  public static final int FIELD_WEIGHT = 64;

  /** The smallest limit accepted: well above the parser's 8 K read-ahead. */
  public static final long MIN_LIMIT = 64 * 1024;

  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int QUOTE_IN_QUOTED = 3;

  private final long limit;
  private final char delimiter;
  private final int quote;
  private final int escape;
  private int state = FIELD_START;
  private boolean escaped;
  private boolean previousCr;
  private long line;
  private long recordLine;
  private long quoteLine;
  private long chars;
  private long fields = 1;

  /**
   * @param in the decoded text, positioned at the first record
   * @param limit the largest record weight allowed, at least {@link #MIN_LIMIT}
   * @param quote the quote character, or null for none
   * @param escape the escape character, or null for none
   * @param firstLine the physical line number of the first character (1 unless lines were skipped)
   */
  public RecordSizeGuard(
      Reader in, long limit, char delimiter, Character quote, Character escape, long firstLine) {
    super(in);
    if (limit < MIN_LIMIT) {
      throw new IllegalArgumentException("limit " + limit + " is below " + MIN_LIMIT);
    }
    this.limit = limit;
    this.delimiter = delimiter;
    this.quote = quote == null ? -1 : quote;
    this.escape = escape == null ? -1 : escape;
    this.line = firstLine;
    this.recordLine = firstLine;
  }

  @Override
  public int read() throws IOException {
    int c = in.read();
    if (c >= 0) accept((char) c);
    return c;
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    for (int i = offset, end = offset + n; i < end; i++) {
      char c = buffer[i];
      if (c > '\r' && c != delimiter && c != quote && c != escape && !escaped) {
        // what accept does for a character without a role: the hot path, inlined
        previousCr = false;
        chars++;
        if (state != QUOTED) state = UNQUOTED;
        if (chars + FIELD_WEIGHT * fields > limit) throw tooLarge();
      } else {
        accept(c);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    char[] buffer = new char[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) break;
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void mark(int readAheadLimit) throws IOException {
    throw new IOException("mark not supported");
  }

  @Override
  public void reset() throws IOException {
    throw new IOException("reset not supported");
  }

  private void accept(char c) throws IOException {
    if (c == 0) throw new NulCharacterException(line);
    boolean lineBreak = c == '\r' || (c == '\n' && !previousCr);
    if (lineBreak) line++;
    previousCr = c == '\r';
    chars++;
    if (escaped) {
      escaped = false;
      if (state == FIELD_START || state == QUOTE_IN_QUOTED) state = UNQUOTED;
    } else if (c == escape) {
      escaped = true;
      if (state == FIELD_START || state == QUOTE_IN_QUOTED) state = UNQUOTED;
    } else if (state == QUOTED) {
      if (c == quote) state = QUOTE_IN_QUOTED;
    } else if (c == delimiter) {
      fields++;
      state = FIELD_START;
    } else if (c == '\r' || c == '\n') {
      endRecord();
      return;
    } else if (c == quote && state == FIELD_START) {
      state = QUOTED;
      quoteLine = line;
    } else if (state == QUOTE_IN_QUOTED && c == quote) {
      state = QUOTED; // a doubled quote inside a quoted field
    } else {
      state = UNQUOTED;
    }
    if (chars + FIELD_WEIGHT * fields > limit) throw tooLarge();
  }

  private RecordTooLargeException tooLarge() {
    return new RecordTooLargeException(
        recordLine, chars, fields, limit, state == QUOTED ? quoteLine : -1);
  }

  private void endRecord() {
    state = FIELD_START;
    chars = 0;
    fields = 1;
    recordLine = line;
  }

  /** A NUL character, which text CSV never holds. Carries its line. */
  public static final class NulCharacterException extends IOException {
    private final long line;

    NulCharacterException(long line) {
      super("NUL character on line " + line);
      this.line = line;
    }

    public long line() {
      return line;
    }
  }

  /**
   * A record weighs more than the guard's limit. Carries where the record started, and where the
   * quoted field that was still open started, if one was.
   */
  public static final class RecordTooLargeException extends IOException {
    private final long startLine;
    private final long chars;
    private final long fields;
    private final long limit;
    private final long openQuoteLine;

    RecordTooLargeException(
        long startLine, long chars, long fields, long limit, long openQuoteLine) {
      super(
          "the record starting at line "
              + startLine
              + " is larger than "
              + limit
              + " (read "
              + chars
              + " characters in "
              + fields
              + (fields == 1 ? " field" : " fields")
              + " so far"
              + (openQuoteLine > 0 ? ", in a quoted field opened on line " + openQuoteLine : "")
              + ")");
      this.startLine = startLine;
      this.chars = chars;
      this.fields = fields;
      this.limit = limit;
      this.openQuoteLine = openQuoteLine;
    }

    /** The physical line the record started on. */
    public long startLine() {
      return startLine;
    }

    /** Characters of the record read before the limit was reached. */
    public long chars() {
      return chars;
    }

    /** Fields of the record seen before the limit was reached. */
    public long fields() {
      return fields;
    }

    public long limit() {
      return limit;
    }

    /** The line of the quote that opened a still open quoted field, or -1 if none was open. */
    public long openQuoteLine() {
      return openQuoteLine;
    }
  }
}
