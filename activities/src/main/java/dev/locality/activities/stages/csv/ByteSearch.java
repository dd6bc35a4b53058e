package dev.locality.activities.stages.csv;

/**
 * Skips, eight bytes at a time, the bytes of a range that are at least a bound and ASCII: a CSV
 * scanner or printer only has to look at the few bytes below it (its delimiter, quote, CR, LF and a
 * few more) and, if asked, at bytes above ASCII. Letters and digits are skipped in words; a word
 * holding any byte below the bound (a space, say) is left at that byte, which the caller then
 * classifies. The lowest byte flagged in a word is exact (borrows only run upwards). Immutable and
 * thread-safe.
 */
final class ByteSearch {
  private final long bound;
  private final long mask;

  /**
   * @param bytes the ASCII bytes that must be found: the bound is one more than the largest
   * @param aboveAscii whether bytes above ASCII are found too
   */
  ByteSearch(byte[] bytes, boolean aboveAscii) {
    int largest = 0;
    for (byte b : bytes) {
      if (b < 0) throw new IllegalArgumentException("not ASCII: " + (b & 0xFF));
      largest = Math.max(largest, b);
    }
    this.bound = Utf8Bytes.ONES * (largest + 1);
    this.mask = aboveAscii ? -1L : 0L;
  }

  /**
   * The index of the first byte in {@code b[i, end)} below the bound (or above ASCII, if asked), or
   * the index from which fewer than eight bytes are left, whichever comes first.
   */
  int skip(byte[] b, int i, int end) {
    int last = end - 8;
    while (i <= last) {
      long w = (long) Utf8Bytes.LONGS.get(b, i);
      long found = (((w - bound) & ~w) | (w & mask)) & Utf8Bytes.HIGH_BITS;
      if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
      i += 8;
    }
    return i;
  }
}
