package dev.locality.stage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * An output file's stream that counts its bytes and computes their SHA-256 while they are written,
 * so nobody has to read the file again to describe it. Obtained from {@link
 * StageContext#createOutput}; when it is closed the context remembers the digest and {@link
 * StageContext#artifact} uses it.
 *
 * <p>Not thread-safe: one writer at a time. {@link #close()} is idempotent (the close listener runs
 * once, and only when the underlying stream closed without an error).
 */
public final class HashingOutputStream extends FilterOutputStream {
  private final MessageDigest digest;
  private final Consumer<HashingOutputStream> onClose;
  private long bytes;
  private boolean closed;

  /**
   * @param out where the bytes go (typically a file opened for writing)
   * @param prefix digest already updated with the first {@code prefixBytes} bytes of the file (a
   *     resumed output), or null for a new file
   * @param prefixBytes bytes the file already holds before the first write
   * @param onClose called once after a successful close, with this stream
   */
  public HashingOutputStream(
      OutputStream out,
      MessageDigest prefix,
      long prefixBytes,
      Consumer<HashingOutputStream> onClose) {
    super(out);
    this.digest = prefix == null ? newDigest() : prefix;
    this.bytes = prefixBytes;
    this.onClose = onClose;
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    bytes++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    bytes += len;
  }

  /** Bytes in the file so far (a resumed prefix included). */
  public long bytes() {
    return bytes;
  }

  /** Hex SHA-256 of the bytes so far; may be called at any time, also before {@link #close()}. */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    out.close();
    onClose.accept(this);
  }
}
