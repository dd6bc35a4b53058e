package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;

/**
 * Decodes bytes to text strictly and says exactly where the first undecodable bytes are: unlike
 * {@link java.io.InputStreamReader}, which drops the text decoded before an error and reports no
 * position, it first hands on every character before the bad bytes, then throws {@link
 * UndecodableTextException} with their line (counting CR, LF and CRLF as one line break each, from
 * line 1) and byte offset. Not thread-safe.
 */
public final class StrictTextReader extends Reader {
  private final InputStream in;
  private final CharsetDecoder decoder;
  private final ByteBuffer bytes;
  private long dropped; // bytes compacted away before bytes' position 0
  private boolean eof;
  private boolean flushed;
  private UndecodableTextException pending;
  private long line = 1;
  private boolean previousCr;
  private final boolean refuseNul;

  public StrictTextReader(InputStream in, Charset charset, int bufferSize) {
    this(in, charset, bufferSize, false);
  }

  /**
   * @param refuseNul whether a NUL character throws {@link FastCsvRefusedException} (for a parser
   *     without the {@link RecordSizeGuard}, which refuses NUL: the input is then read again with
   *     the guard, which names the line)
   */
  StrictTextReader(InputStream in, Charset charset, int bufferSize, boolean refuseNul) {
    this.refuseNul = refuseNul;
    this.in = in;
    this.decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.bytes = ByteBuffer.allocate(bufferSize);
    bytes.flip();
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    if (pending != null) throw pending;
    if (flushed) return -1;
    if (length == 0) return 0;
    CharBuffer out = CharBuffer.wrap(buffer, offset, length);
    while (true) {
      CoderResult result = decoder.decode(bytes, out, eof);
      if (result.isError()) {
        pending = undecodable(result, buffer, offset, out.position() - offset);
        if (out.position() > offset) return count(buffer, offset, out.position() - offset);
        throw pending;
      }
      if (result.isOverflow() || out.position() > offset && !eof) {
        return count(buffer, offset, out.position() - offset);
      }
      if (eof) {
        if (decoder.flush(out).isUnderflow()) flushed = true;
        int n = out.position() - offset;
        return n == 0 && flushed ? -1 : count(buffer, offset, n);
      }
      fill();
    }
  }

  private void fill() throws IOException {
    dropped += bytes.position();
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) eof = true;
    else bytes.position(bytes.position() + n);
    bytes.flip();
  }

  private int count(char[] buffer, int offset, int n) {
    if (n <= 0) return n;
    long lines = line;
    boolean cr = previousCr;
    for (int i = offset, end = offset + n; i < end; i++) {
      char c = buffer[i];
      if (c <= '\r') {
        if (c == 0 && refuseNul) throw new FastCsvRefusedException("a NUL character");
        if (c == '\r' || (c == '\n' && !cr)) lines++;
        cr = c == '\r';
      } else {
        cr = false;
      }
    }
    line = lines;
    previousCr = cr;
    return n;
  }

  private UndecodableTextException undecodable(
      CoderResult result, char[] buffer, int offset, int decoded) {
    long lineOfError = line;
    boolean cr = previousCr;
    for (int i = offset; i < offset + decoded; i++) {
      char c = buffer[i];
      if (c == '\r' || (c == '\n' && !cr)) lineOfError++;
      cr = c == '\r';
    }
    int length = result.length();
    byte[] bad = new byte[Math.min(length, bytes.remaining())];
    bytes.duplicate().get(bad);
    return new UndecodableTextException(
        decoder.charset().name(),
        lineOfError,
        dropped + bytes.position(),
        HexFormat.of().withUpperCase().formatHex(bad));
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Bytes that are not valid text in the charset, with their line and byte offset. */
  public static final class UndecodableTextException extends CharacterCodingException {
    private final String charset;
    private final long line;
    private final long byteOffset;
    private final String hex;

    UndecodableTextException(String charset, long line, long byteOffset, String hex) {
      this.charset = charset;
      this.line = line;
      this.byteOffset = byteOffset;
      this.hex = hex;
    }

    /** The line of the bad bytes, counting from 1 at the start of the stream. */
    public long line() {
      return line;
    }

    /** The offset of the first bad byte from the start of the stream. */
    public long byteOffset() {
      return byteOffset;
    }

    @Override
    public String getMessage() {
      return "not valid "
          + charset
          + " text on line "
          + line
          + " (byte offset "
          + byteOffset
          + (hex.isEmpty() ? "" : ": bytes " + hex)
          + ")";
    }
  }
}
