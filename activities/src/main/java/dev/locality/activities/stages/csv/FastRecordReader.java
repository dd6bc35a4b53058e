package dev.locality.activities.stages.csv;

import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import de.siegmar.fastcsv.reader.RecordType;
import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Iterator;

/**
 * Records parsed by FastCSV, the default engine, for the dialects it reads exactly like Commons
 * CSV: any delimiter and quote character, no escape character, no comment marker (see {@link
 * CsvEngine#readsFast}). Where the two parsers could differ FastCSV refuses the input (text after a
 * closing quote, which Commons CSV allows when it is white space; an unclosed quote), and this
 * reader throws {@link FastCsvRefusedException} so that the file is read with the reference
 * instead. Empty lines are skipped and numbered as Commons CSV numbers them. The field count of a
 * record is not limited here: the {@link RecordSizeGuard} in front bounds a record. Not
 * thread-safe.
 */
final class FastRecordReader implements RecordReader {
  /** FastCSV's buffer holds a field and a read (8 K characters) after it. */
  private static final int READ_AHEAD = 64 * 1024;

  private final CsvReader<String[]> reader;
  private final Iterator<String[]> records;
  private final Fields fields;
  private final String name;
  private final long lineOffset;
  private final Charset encoding;
  private long line;

  /**
   * @param text the decoded text from the first record on (it is closed with this reader)
   * @param maxRecord the largest record weight, as {@link RecordSizeGuard}'s limit
   * @param lineOffset lines before {@code text} (skipped ones), added to every line number
   */
  FastRecordReader(
      Reader text,
      char delimiter,
      char quote,
      long maxRecord,
      String name,
      long lineOffset,
      Charset encoding) {
    this.fields = new Fields(maxRecord, quote);
    this.reader =
        CsvReader.builder()
            .fieldSeparator(delimiter)
            .quoteCharacter(quote)
            .commentStrategy(CommentStrategy.NONE)
            .skipEmptyLines(false)
            .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
            .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
            .allowUnclosedQuote(false)
            .maxBufferSize((int) Math.min(Integer.MAX_VALUE - 16, maxRecord + READ_AHEAD))
            .build(fields, text);
    this.records = reader.iterator();
    this.name = name;
    this.lineOffset = lineOffset;
    this.encoding = encoding;
    this.line = lineOffset + 1;
  }

  @Override
  public String[] next() throws IOException {
    long firstEmpty = -1;
    try {
      while (records.hasNext()) {
        String[] record = records.next();
        long start = lineOffset + fields.startLine;
        if (fields.empty) {
          if (firstEmpty < 0) firstEmpty = start;
          continue;
        }
        line = firstEmpty < 0 ? start : firstEmpty;
        return record;
      }
      if (firstEmpty >= 0) line = firstEmpty;
      return null;
    } catch (UncheckedIOException e) {
      IOException cause = e.getCause();
      BadInputException bad = CsvReadErrors.of(cause, name, line, encoding);
      if (bad != null) throw bad;
      throw cause;
    } catch (CsvParseException e) {
      if (e.getCause() instanceof Error error) throw error;
      if (e.getCause() instanceof FastCsvRefusedException refused) throw refused;
      // bad bytes below the parser (corrupt compressed data): the input's fault whichever engine
      if (e.getCause() instanceof BadInputException bad) throw bad;
      throw new FastCsvRefusedException(e);
    }
  }

  @Override
  public long line() {
    return line;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /**
   * Collects one record's fields into reused arrays, and refuses a record heavier than the limit.
   */
  private static final class Fields extends CsvCallbackHandler<String[]> {
    private final long limit;
    private final char quote;
    private String[] fields = new String[16];
    private boolean[] quoted = new boolean[16];
    private String[] exact = new String[0];
    private int count;
    private long startLine;
    private boolean empty;

    /** The record's weight without the doubled quotes inside quoted fields. */
    private long weight;

    /** Characters in quoted fields: at most that many quotes were doubled. */
    private long quotedChars;

    Fields(long limit, char quote) {
      this.limit = limit;
      this.quote = quote;
    }

    @Override
    protected RecordType getRecordType() {
      return empty ? RecordType.EMPTY : RecordType.DATA;
    }

    @Override
    protected int getFieldCount() {
      return count;
    }

    @Override
    protected void beginRecord(long startingLineNumber) {
      startLine = startingLineNumber;
      count = 0;
      empty = false;
      weight = -1; // no delimiter before the first field
      quotedChars = 0;
    }

    @Override
    protected void addField(char[] buf, int offset, int len, boolean isQuoted) {
      if (count == fields.length) {
        fields = java.util.Arrays.copyOf(fields, count * 2);
        quoted = java.util.Arrays.copyOf(quoted, count * 2);
      }
      quoted[count] = isQuoted;
      fields[count++] = new String(buf, offset, len);
      // the delimiter before it, its characters, its quotes, its weight as a field
      weight += 1 + len + RecordSizeGuard.FIELD_WEIGHT;
      if (isQuoted) {
        weight += 2;
        quotedChars += len;
      }
      if (weight > limit) throw new FastCsvRefusedException("a record over the size limit");
    }

    @Override
    protected void setComment(char[] buf, int offset, int len) {
      throw new IllegalStateException("comments are not enabled");
    }

    @Override
    protected void setEmpty() {
      empty = true;
    }

    @Override
    protected String[] buildRecord() {
      if (weight + quotedChars > limit && weight + doubledQuotes() > limit) {
        throw new FastCsvRefusedException("a record over the size limit");
      }
      if (exact.length != count) exact = new String[count];
      System.arraycopy(fields, 0, exact, 0, count);
      return exact;
    }

    /** The quotes inside quoted fields, each of which the input held twice. */
    private long doubledQuotes() {
      long n = 0;
      for (int f = 0; f < count; f++) {
        if (!quoted[f]) continue;
        String value = fields[f];
        for (int i = 0; i < value.length(); i++) if (value.charAt(i) == quote) n++;
      }
      return n;
    }
  }
}
