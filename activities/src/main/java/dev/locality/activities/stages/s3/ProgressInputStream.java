package dev.locality.activities.stages.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes the SDK reads from a request body and records {@code base + count} in a {@link
 * TransferProgress}; a read after the transfer was stopped fails. Not thread-safe (read by the SDK
 * call's thread only).
 */
final class ProgressInputStream extends FilterInputStream {
  private final long base;
  private final TransferProgress progress;
  private long count;

  ProgressInputStream(InputStream in, long base, TransferProgress progress) {
    super(in);
    this.base = base;
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) advance(1);
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) advance(n);
    return n;
  }

  private void advance(int n) throws IOException {
    count += n;
    progress.sent(base + count);
  }
}
