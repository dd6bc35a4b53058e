package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.util.Arrays;

/**
 * Prints the selected fields of a scanned record for the byte lane, with the null mapping (empty as
 * null, the null value) applied: a field as it is ({@link ByteCsvWriter} quotes it where needed),
 * or the null string. Selected fields that are adjacent in the input (field 6, 7, 8 printed in a
 * row) are copied as one range, delimiters included, when the output's delimiter is the input's and
 * none of them is null, quoted in the input or needs quotes: the bytes are then exactly what
 * printing them one by one gives. Not thread-safe (one per file).
 */
final class ByteFieldPrinter {
  private final int[] sources;
  private final int[] runEnds;
  private final boolean emptyAsNull;
  private final byte[] nullValue;

  /**
   * @param sources for each output column, its field index in the input
   * @param sameDelimiter whether the output's delimiter is the input's (runs may be copied)
   * @param nullValue the input value that means null, or null for none
   */
  ByteFieldPrinter(int[] sources, boolean sameDelimiter, boolean emptyAsNull, byte[] nullValue) {
    this.sources = sources.clone();
    this.emptyAsNull = emptyAsNull;
    this.nullValue = nullValue;
    this.runEnds = new int[sources.length];
    for (int i = sources.length - 1; i >= 0; i--) {
      boolean next = sameDelimiter && i + 1 < sources.length && sources[i + 1] == sources[i] + 1;
      runEnds[i] = next ? runEnds[i + 1] : i;
    }
  }

  /** Prints the current record's selected fields as one row. */
  void print(ByteRecordScanner record, ByteCsvWriter out) throws IOException {
    byte[] bytes = record.buffer();
    int i = 0;
    while (i < sources.length) {
      int last = runEnds[i];
      if (last > i && copiesAsIs(record, bytes, i, last)) {
        out.raw(bytes, record.start(sources[i]), record.end(sources[last]), i == 0);
        i = last + 1;
        continue;
      }
      field(record, bytes, i, out);
      i++;
    }
    out.endRow();
  }

  /** Whether output columns {@code from..to} (adjacent fields) print as their input bytes. */
  private boolean copiesAsIs(ByteRecordScanner record, byte[] bytes, int from, int to) {
    for (int i = from; i <= to; i++) {
      int f = sources[i];
      if (!record.isClean(f) || isNull(record, f)) return false;
      int start = record.start(f);
      int end = record.end(f);
      if (start == end) {
        if (i == 0) return false; // an empty first value is printed as ""
      } else if ((bytes[start] & 0xFF) <= '#' || (bytes[end - 1] & 0xFF) <= ' ') {
        return false;
      }
    }
    return true;
  }

  private void field(ByteRecordScanner record, byte[] bytes, int i, ByteCsvWriter out)
      throws IOException {
    int f = sources[i];
    boolean first = i == 0;
    if (isNull(record, f)) {
      out.nullValue(first);
    } else if (record.isClean(f)) {
      out.cleanValue(bytes, record.start(f), record.end(f), first);
    } else if (record.hasDoubledQuotes(f)) {
      out.value(record.unescaped(f), first);
    } else {
      out.value(bytes, record.start(f), record.end(f), first);
    }
  }

  /** Whether field {@code f} is null: empty with {@code emptyAsNull}, or the null value. */
  boolean isNull(ByteRecordScanner record, int f) {
    int start = record.start(f);
    int length = record.end(f) - start;
    if (emptyAsNull && length == 0) return true;
    if (nullValue == null) return false;
    if (record.hasDoubledQuotes(f)) return Arrays.equals(record.unescaped(f), nullValue);
    return Arrays.equals(record.buffer(), start, start + length, nullValue, 0, nullValue.length);
  }
}
