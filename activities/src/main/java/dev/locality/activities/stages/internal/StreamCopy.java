package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/** Copies a stream with a 64 KiB buffer, optionally digesting it, reporting the running count. */
public final class StreamCopy {
  private StreamCopy() {}

  /**
   * Copies {@code in} to {@code out} until end of stream.
   *
   * @param digest updated with every byte, or null
   * @param progress called with the bytes copied so far after every buffer
   * @return bytes copied
   */
  public static long copy(
      InputStream in, OutputStream out, MessageDigest digest, LongConsumer progress)
      throws IOException {
    byte[] buffer = new byte[Buffers.SIZE];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      out.write(buffer, 0, n);
      if (digest != null) digest.update(buffer, 0, n);
      total += n;
      progress.accept(total);
    }
    return total;
  }
}
