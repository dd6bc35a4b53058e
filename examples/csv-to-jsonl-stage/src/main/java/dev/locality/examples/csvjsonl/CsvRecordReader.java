package dev.locality.examples.csvjsonl;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV records one at a time from a {@link Reader}: fields separated by a one-char
 * delimiter, optionally quoted with {@code "} (a quote inside a quoted field is doubled), records
 * ended by LF, CRLF or CR; quoted fields may span lines. Strict: a quote inside an unquoted field,
 * text after a closing quote, or a quoted field still open at the end of the input is {@link
 * BadInputException} naming the file and line. Memory holds one record. Not thread-safe.
 */
final class CsvRecordReader implements AutoCloseable {
  private static final int EOF = -1;

  private final Reader in;
  private final char delimiter;
  private final String fileName;
  private final char[] buffer = new char[64 * 1024];
  private int length;
  private int position;
  private int pushedBack = Integer.MIN_VALUE;
  private long line = 1;
  private long recordLine;
  private final long maxRecordChars;
  private long recordChars;

  /**
   * @param maxRecordChars the longest record accepted, in characters: a longer one (typically
   *     everything after an unclosed quote) is bad input, so memory stays bounded
   */
  CsvRecordReader(Reader in, char delimiter, String fileName, long maxRecordChars) {
    this.in = in;
    this.delimiter = delimiter;
    this.fileName = fileName;
    this.maxRecordChars = maxRecordChars;
  }

  /** The 1-based line on which the record last returned by {@link #next()} started. */
  long recordLine() {
    return recordLine;
  }

  /**
   * The next record's fields, or null at the end of the input.
   *
   * @throws BadInputException when the CSV is malformed
   */
  List<String> next() throws IOException {
    int c = read();
    if (c == EOF) return null;
    recordLine = line;
    recordChars = 1;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean inQuotes = false;
    boolean afterClosingQuote = false;
    long quoteLine = 0;
    while (true) {
      if (inQuotes) {
        if (c == EOF) throw bad("a quoted field opened on line " + quoteLine + " is never closed");
        if (c == '"') {
          int d = read();
          if (d == '"') {
            field.append('"');
          } else {
            inQuotes = false;
            afterClosingQuote = true;
            c = d;
            continue;
          }
        } else {
          if (c == '\n') line++;
          field.append((char) c);
        }
        c = read();
        continue;
      }
      if (c == EOF || c == '\n' || c == '\r') {
        if (c == '\r') {
          int d = read();
          if (d != '\n') unread(d);
        }
        if (c != EOF) line++;
        fields.add(field.toString());
        return fields;
      }
      if (c == delimiter) {
        fields.add(field.toString());
        field.setLength(0);
        afterClosingQuote = false;
      } else if (afterClosingQuote) {
        throw bad("unexpected '" + (char) c + "' after a closing quote on line " + line);
      } else if (c == '"') {
        if (field.length() > 0)
          throw bad("a quote inside an unquoted field on line " + line + " (quote the field)");
        inQuotes = true;
        quoteLine = line;
      } else {
        field.append((char) c);
      }
      c = read();
    }
  }

  private BadInputException bad(String message) {
    return new BadInputException("malformed CSV in " + fileName + ": " + message);
  }

  private int read() throws IOException {
    if (++recordChars > maxRecordChars)
      throw bad(
          "the record starting on line "
              + recordLine
              + " is longer than "
              + maxRecordChars
              + " characters (worker setting "
              + CsvToJsonlStage.MAX_RECORD_CHARS.name()
              + "; an unclosed quote?)");
    if (pushedBack != Integer.MIN_VALUE) {
      int c = pushedBack;
      pushedBack = Integer.MIN_VALUE;
      return c;
    }
    if (position == length) {
      length = in.read(buffer);
      position = 0;
      if (length <= 0) {
        length = 0;
        return EOF;
      }
    }
    return buffer[position++];
  }

  private void unread(int c) {
    pushedBack = c;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
