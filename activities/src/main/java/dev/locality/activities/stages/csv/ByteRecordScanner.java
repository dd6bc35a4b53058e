package dev.locality.activities.stages.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the records and fields of UTF-8 CSV in its bytes, without decoding them: a field is a range
 * of the scanner's buffer, decoded only when asked ({@link #text}). It reads the dialect FastCSV
 * reads for {@link CsvEngine#FAST} (RFC 4180: a field that starts with the quote is quoted, a
 * doubled quote inside is one quote, CR, LF and CRLF end a record; any single-byte ASCII delimiter
 * and quote, no escape, no comments), skips empty lines and numbers records the way {@link
 * FastRecordReader} does, so that rejects name the same lines.
 *
 * <p>Anything FastCSV would refuse or that needs the reference's judgement it refuses with {@link
 * FastCsvRefusedException}, so that the file is read again with Commons CSV, whose result (rows or
 * message) is then the stage's: text after a closing quote, an unclosed quote, a record heavier
 * than the limit (weighed as {@link RecordSizeGuard} does: its bytes plus {@value
 * RecordSizeGuard#FIELD_WEIGHT} per field), bytes that are not UTF-8 ({@link Utf8Bytes}) and NUL. A
 * byte order mark at the start is dropped and {@code skipLines} lines (LF-terminated) skipped, as
 * {@link CsvFileTransform} does for text.
 *
 * <p>Memory: the buffer holds one record and what was read after it; it grows for a record up to
 * the weight limit, no further. Not thread-safe; closing it closes the stream.
 */
final class ByteRecordScanner implements Closeable {
  private static final int INITIAL_BUFFER = 256 * 1024;
  private static final int MIN_READ = 64 * 1024;
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final InputStream in;
  private final byte delimiter;
  private final byte quote;
  private final long maxWeight;
  private final long lineOffset;

  /** What a byte means in an unquoted field: one of the classes below. */
  private final byte[] unquoted = new byte[256];

  /** What a byte means in a quoted field: one of the classes below. */
  private final byte[] quoted = new byte[256];

  /** What {@link #nextRole} skips plain bytes with, for each table. */
  private final ByteSearch unquotedSearch;

  private final ByteSearch quotedSearch;

  /** A byte with no role. */
  private static final byte PLAIN = 0;

  /** The delimiter, CR or LF: the end of an unquoted field; the quote, CR or LF in a quoted one. */
  private static final byte STOP = 1;

  /** A byte that makes the value need quotes when printed (see {@link #isClean}). */
  private static final byte DIRTY = 2;

  /** A byte above ASCII, or NUL: the record's bytes must be checked as UTF-8. */
  private static final byte CHECK = 3;

  private byte[] buf = new byte[INITIAL_BUFFER];
  private int pos;
  private int limit;
  private boolean eof;

  /** The physical line at {@link #pos}, from 1 after the skipped lines. */
  private long nextLine = 1;

  private static final int SHARED_MAX = 32;
  private static final int SHARED_SLOTS = 256;
  private final byte[][] sharedBytes = new byte[SHARED_SLOTS][];
  private final String[] sharedTexts = new String[SHARED_SLOTS];

  private int[] starts = new int[16];
  private int[] stops = new int[16];
  private boolean[] doubled = new boolean[16];
  private boolean[] clean = new boolean[16];
  private boolean checkText;
  private int count;
  private long line;

  /** Where the record being parsed would end, and the lines it spans (set by {@link #parse}). */
  private int parsedEnd;

  private int parsedBody;
  private long parsedLines;

  /**
   * Opens the scanner at the start of {@code in}: drops a byte order mark, skips {@code skipLines}
   * lines.
   *
   * @param outputDelimiter the delimiter of the output, for {@link #isClean}
   * @param maxWeight the heaviest record accepted (worker setting {@code maxCsvFieldBytes})
   * @throws FastCsvRefusedException when the skipped lines are not clean UTF-8
   */
  ByteRecordScanner(
      InputStream in,
      char delimiter,
      char quote,
      char outputDelimiter,
      long maxWeight,
      long skipLines)
      throws IOException {
    if (delimiter >= 0x80 || quote >= 0x80 || outputDelimiter >= 0x80) {
      throw new IllegalArgumentException("the delimiters and the quote must be ASCII");
    }
    this.in = in;
    this.delimiter = (byte) delimiter;
    this.quote = (byte) quote;
    this.maxWeight = maxWeight;
    this.lineOffset = skipLines;
    for (int b = 0x80; b < 256; b++) {
      unquoted[b] = CHECK;
      quoted[b] = CHECK;
    }
    unquoted[0] = CHECK;
    quoted[0] = CHECK;
    unquoted['"'] = DIRTY;
    unquoted[outputDelimiter] = DIRTY;
    unquoted[delimiter] = STOP;
    unquoted[CR] = STOP;
    unquoted[LF] = STOP;
    quoted[quote] = STOP;
    quoted[CR] = STOP;
    quoted[LF] = STOP;
    unquotedSearch = search(unquoted);
    quotedSearch = search(quoted);
    while (!eof && limit - pos < 3) fill();
    if (limit - pos >= 3
        && buf[pos] == (byte) 0xEF
        && buf[pos + 1] == (byte) 0xBB
        && buf[pos + 2] == (byte) 0xBF) {
      pos += 3;
    }
    skip(skipLines);
  }

  /** Skips {@code lines} LF-terminated lines (or to the end), checking that they are clean text. */
  private void skip(long lines) throws IOException {
    long skipped = 0;
    int i = pos;
    while (skipped < lines) {
      if (i == limit) {
        if (eof) break;
        int scanned = i - pos;
        fill();
        i = pos + scanned;
        if (scanned > maxWeight) throw refused("a skipped line over the size limit");
        continue;
      }
      if (buf[i++] == LF) {
        skipped++;
        if (!Utf8Bytes.isCleanText(buf, pos, i)) throw refused("skipped lines not clean UTF-8");
        pos = i;
      }
    }
    if (!Utf8Bytes.isCleanText(buf, pos, i)) throw refused("skipped lines not clean UTF-8");
    pos = i;
  }

  /**
   * Moves to the next record, past empty lines.
   *
   * @return false at the end of the input
   * @throws FastCsvRefusedException for what the reference must judge (see the class comment)
   */
  boolean next() throws IOException {
    long firstEmpty = -1;
    while (true) {
      if (pos == limit) {
        if (eof) return false;
        fill();
        continue;
      }
      byte first = buf[pos];
      if (first == LF || first == CR) {
        if (first == CR && pos + 1 == limit && !eof) {
          fill();
          continue;
        }
        if (firstEmpty < 0) firstEmpty = lineOffset + nextLine;
        pos += first == CR && pos + 1 < limit && buf[pos + 1] == LF ? 2 : 1;
        nextLine++;
        continue;
      }
      if (!parse()) {
        if (weight(limit - pos, count) > maxWeight) throw refused("a record over the size limit");
        fill();
        continue;
      }
      if (weight(parsedBody - pos, count) > maxWeight) {
        throw refused("a record over the size limit");
      }
      if (checkText && !Utf8Bytes.isCleanText(buf, pos, parsedBody)) {
        throw refused("bytes that are not clean UTF-8, or a NUL");
      }
      long start = lineOffset + nextLine;
      line = firstEmpty < 0 ? start : firstEmpty;
      nextLine += parsedLines;
      pos = parsedEnd;
      return true;
    }
  }

  private static long weight(long bytes, int fields) {
    return bytes + (long) RecordSizeGuard.FIELD_WEIGHT * Math.max(1, fields);
  }

  /**
   * Parses the record at {@link #pos} into the field arrays.
   *
   * @return false when the buffer ends before the record does and more input may follow
   */
  private boolean parse() {
    final byte[] b = buf;
    final int end = limit;
    final byte q = quote;
    final byte d = delimiter;
    final byte[] inUnquoted = unquoted;
    final byte[] inQuoted = quoted;
    int i = pos;
    int f = 0;
    long lines = 0;
    boolean check = false;
    while (true) {
      if (f == starts.length) grow();
      if (i < end && b[i] == q) {
        int s = ++i;
        boolean dbl = false;
        while (true) {
          i = nextRole(b, i, end, inQuoted, quotedSearch);
          byte role = i < end ? inQuoted[b[i] & 0xFF] : PLAIN;
          if (i >= end) {
            if (eof) throw refused("an unclosed quote");
            return needMore(f);
          }
          if (role == CHECK) {
            check = true;
            i++;
            continue;
          }
          byte c = b[i];
          if (c == q) {
            if (i + 1 >= end && !eof) {
              return needMore(f);
            }
            if (i + 1 < end && b[i + 1] == q) {
              dbl = true;
              i += 2;
              continue;
            }
            starts[f] = s;
            stops[f] = i;
            doubled[f] = dbl;
            clean[f] = false;
            f++;
            i++;
            break;
          }
          if (c == CR) {
            if (i + 1 >= end && !eof) {
              return needMore(f);
            }
            lines++;
            i += i + 1 < end && b[i + 1] == LF ? 2 : 1;
          } else {
            lines++; // LF
            i++;
          }
        }
        if (i >= end) return finish(f, i, i, lines, check); // eof after the closing quote
        byte after = b[i];
        if (after == d) {
          i++;
          continue;
        }
        if (after != CR && after != LF) throw refused("text after a closing quote");
      } else {
        int s = i;
        boolean plain = true;
        while (true) {
          i = nextRole(b, i, end, inUnquoted, unquotedSearch);
          byte role = i < end ? inUnquoted[b[i] & 0xFF] : PLAIN;
          if (i >= end || role == STOP) break;
          if (role == CHECK) check = true;
          else plain = false;
          i++;
        }
        if (i >= end && !eof) {
          return needMore(f);
        }
        starts[f] = s;
        stops[f] = i;
        doubled[f] = false;
        clean[f] = plain;
        f++;
        if (i >= end) return finish(f, i, i, lines, check);
        if (b[i] == d) {
          i++;
          continue;
        }
      }
      // a line break ends the record
      if (b[i] == CR) {
        if (i + 1 >= end && !eof) {
          return needMore(f);
        }
        return finish(f, i, i + 1 < end && b[i + 1] == LF ? i + 2 : i + 1, lines + 1, check);
      }
      return finish(f, i, i + 1, lines + 1, check);
    }
  }

  /**
   * The index of the first byte from {@code i} whose role in {@code table} is not {@link #PLAIN},
   * or {@code end}: words of plain bytes are skipped by {@code search}.
   */
  private static int nextRole(byte[] b, int i, int end, byte[] table, ByteSearch search) {
    while (true) {
      i = search.skip(b, i, end);
      if (i >= end) return end;
      if (table[b[i] & 0xFF] != PLAIN) return i;
      i++;
    }
  }

  /** What finds the bytes with a role in {@code table} (all of them are found, and a few more). */
  private static ByteSearch search(byte[] table) {
    java.io.ByteArrayOutputStream roles = new java.io.ByteArrayOutputStream();
    for (int c = 0; c < 0x80; c++) if (table[c] != PLAIN) roles.write(c);
    return new ByteSearch(roles.toByteArray(), true);
  }

  /** The record goes on past the buffered bytes: its {@code fields} so far, and false. */
  private boolean needMore(int fields) {
    count = fields;
    return false;
  }

  private boolean finish(int fields, int body, int next, long lines, boolean check) {
    checkText = check;
    count = fields;
    parsedBody = body;
    parsedEnd = next;
    parsedLines = lines;
    return true;
  }

  private void grow() {
    int n = starts.length * 2;
    starts = Arrays.copyOf(starts, n);
    stops = Arrays.copyOf(stops, n);
    doubled = Arrays.copyOf(doubled, n);
    clean = Arrays.copyOf(clean, n);
  }

  /** Reads more input after what is buffered, moving the unread part to the front first. */
  private void fill() throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (buf.length - limit < MIN_READ) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) eof = true;
    else limit += n;
  }

  private static FastCsvRefusedException refused(String why) {
    return new FastCsvRefusedException(why);
  }

  /** The fields of the current record. */
  int fields() {
    return count;
  }

  /** The line the current record starts on (or the first empty line before it). */
  long line() {
    return line;
  }

  /** The buffer the current record's fields are in; valid until {@link #next}. */
  byte[] buffer() {
    return buf;
  }

  /** Where field {@code f}'s bytes start in {@link #buffer()} (inside its quotes). */
  int start(int f) {
    return starts[f];
  }

  /** Where field {@code f}'s bytes end (exclusive; before a closing quote). */
  int end(int f) {
    return stops[f];
  }

  /** Whether field {@code f} is quoted and holds a doubled quote, so its bytes are not its text. */
  boolean hasDoubledQuotes(int f) {
    return doubled[f];
  }

  /**
   * Whether field {@code f} is unquoted and holds no {@code "}, output delimiter, CR or LF, so that
   * only its first and last bytes decide whether it needs quotes when printed.
   */
  boolean isClean(int f) {
    return clean[f];
  }

  /** Field {@code f}'s value: its bytes decoded, doubled quotes as one. */
  String text(int f) {
    int s = starts[f];
    int e = stops[f];
    if (!doubled[f]) return new String(buf, s, e - s, StandardCharsets.UTF_8);
    return new String(unescaped(f), StandardCharsets.UTF_8);
  }

  /**
   * {@link #text}, decoded once for a short value seen before: a small cache by content (values of
   * at most {@value #SHARED_MAX} bytes) returns the same String for the same bytes, so a column of
   * few distinct values (a status, a country) costs no decoding and no garbage per row.
   */
  String sharedText(int f) {
    int s = starts[f];
    int e = stops[f];
    int length = e - s;
    if (doubled[f] || length > SHARED_MAX) return text(f);
    int hash = length;
    for (int i = s; i < e; i++) hash = 31 * hash + buf[i];
    int slot = (hash ^ (hash >>> 11)) & (SHARED_SLOTS - 1);
    byte[] key = sharedBytes[slot];
    if (key != null && Arrays.equals(key, 0, key.length, buf, s, e)) return sharedTexts[slot];
    String value = new String(buf, s, length, StandardCharsets.UTF_8);
    sharedBytes[slot] = Arrays.copyOfRange(buf, s, e);
    sharedTexts[slot] = value;
    return value;
  }

  /** Field {@code f}'s value as UTF-8 bytes, doubled quotes as one. */
  byte[] unescaped(int f) {
    int s = starts[f];
    int e = stops[f];
    byte[] out = new byte[e - s];
    int n = 0;
    for (int i = s; i < e; i++) {
      out[n++] = buf[i];
      if (buf[i] == quote) i++; // the second of a doubled quote
    }
    return Arrays.copyOf(out, n);
  }

  /** Every field's value. */
  String[] texts() {
    String[] values = new String[count];
    for (int f = 0; f < count; f++) values[f] = text(f);
    return values;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
