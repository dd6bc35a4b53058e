package dev.locality.cli.sniff;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The encoding of a sample's first bytes: a byte order mark decides (UTF-8, UTF-16); else UTF-8
 * when the bytes decode as UTF-8, else windows-1252 (the usual single-byte encoding of
 * spreadsheets' exports), whose name transform-csv's {@code encoding} option accepts.
 *
 * @param charset how to decode the file
 * @param bomLength bytes of byte order mark to skip (transform-csv drops it itself)
 */
record TextEncoding(Charset charset, int bomLength) {
  static final Charset FALLBACK = Charset.forName("windows-1252");

  boolean isUtf8() {
    return charset.equals(StandardCharsets.UTF_8);
  }

  static TextEncoding detect(byte[] head, int length) {
    if (startsWith(head, length, 0xEF, 0xBB, 0xBF))
      return new TextEncoding(StandardCharsets.UTF_8, 3);
    if (startsWith(head, length, 0xFF, 0xFE)) return new TextEncoding(StandardCharsets.UTF_16LE, 2);
    if (startsWith(head, length, 0xFE, 0xFF)) return new TextEncoding(StandardCharsets.UTF_16BE, 2);
    return new TextEncoding(decodesAsUtf8(head, length) ? StandardCharsets.UTF_8 : FALLBACK, 0);
  }

  /** Whether the bytes are UTF-8, allowing a sequence cut by the sample's end. */
  private static boolean decodesAsUtf8(byte[] head, int length) {
    int end = length;
    // drop an incomplete multi-byte sequence at the end (at most 3 bytes)
    for (int i = 1; i <= 3 && end - i >= 0; i++) {
      int b = head[end - i] & 0xFF;
      if (b < 0x80) break;
      if (b >= 0xC0) {
        int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        if (needed > i) end -= i;
        break;
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      decoder.decode(ByteBuffer.wrap(head, 0, end));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean startsWith(byte[] head, int length, int... prefix) {
    if (length < prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) if ((head[i] & 0xFF) != prefix[i]) return false;
    return true;
  }
}
