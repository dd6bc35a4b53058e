package dev.locality.activities.stages.csv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are text that {@link StrictTextReader} would decode as UTF-8 without an error
 * and without a NUL character: well-formed UTF-8 as the Unicode standard defines it (Table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), which is exactly what the JDK's strict
 * decoder accepts. Eight bytes are checked at a time while they are ASCII. Stateless.
 */
final class Utf8Bytes {
  /** Little-endian longs over a byte array (any index: plain reads may be unaligned). */
  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static final long HIGH_BITS = 0x8080808080808080L;
  static final long ONES = 0x0101010101010101L;

  private Utf8Bytes() {}

  /**
   * Whether {@code bytes[from, to)} is well-formed UTF-8 without a NUL character (a sequence cut at
   * {@code to} is not well-formed).
   */
  static boolean isCleanText(byte[] bytes, int from, int to) {
    int i = from;
    int lastWord = to - 8;
    while (i < to) {
      if (i <= lastWord) {
        long word = (long) LONGS.get(bytes, i);
        // no byte with its high bit set and no zero byte: eight ASCII characters
        if (((word | ((word - ONES) & ~word)) & HIGH_BITS) == 0) {
          i += 8;
          continue;
        }
      }
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        if (b == 0) return false;
        i++;
        continue;
      }
      int n;
      int low = 0x80;
      int high = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        n = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        n = 2;
        if (b == 0xE0) low = 0xA0;
        if (b == 0xED) high = 0x9F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        n = 3;
        if (b == 0xF0) low = 0x90;
        if (b == 0xF4) high = 0x8F;
      } else {
        return false;
      }
      if (to - i <= n) return false; // cut at the end
      int second = bytes[i + 1] & 0xFF;
      if (second < low || second > high) return false;
      for (int k = 2; k <= n; k++) {
        int c = bytes[i + k] & 0xFF;
        if (c < 0x80 || c > 0xBF) return false;
      }
      i += n + 1;
    }
    return true;
  }
}
