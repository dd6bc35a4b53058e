package dev.locality.activities.stages.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts the bytes the SDK reads from a request body and reports {@code base + count}. A runtime
 * exception from the report (a heartbeat saying the stage was cancelled) is remembered, so the
 * caller can rethrow it unchanged after the SDK wrapped it. Not thread-safe.
 */
final class ProgressInputStream extends FilterInputStream {
  private final long base;
  private final LongConsumer progress;
  private final RuntimeException[] failure;
  private long count;

  /**
   * @param failure a one-element holder where a reporting failure is stored
   */
  ProgressInputStream(
      InputStream in, long base, LongConsumer progress, RuntimeException[] failure) {
    super(in);
    this.base = base;
    this.progress = progress;
    this.failure = failure;
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

  private void advance(int n) {
    count += n;
    try {
      progress.accept(base + count);
    } catch (RuntimeException e) {
      failure[0] = e;
      throw e;
    }
  }
}
