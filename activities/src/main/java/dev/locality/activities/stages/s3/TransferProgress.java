package dev.locality.activities.stages.s3;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes an upload's request bodies have handed to the SDK: counted on the SDK call's thread, read
 * by the stage's thread, which heartbeats them while it waits for the call. Once {@linkplain #stop
 * stopped} (the stage gave up on the call), the next read of a body fails, so an abandoned request
 * ends instead of sending the rest of the file. Thread-safe.
 */
final class TransferProgress {
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean stopped;

  /**
   * Records that {@code bytes} have been sent.
   *
   * @throws IOException once the transfer was stopped
   */
  void sent(long bytes) throws IOException {
    if (stopped) throw new IOException("upload abandoned: the stage stopped waiting for it");
    sent.set(bytes);
  }

  /** Bytes sent so far (may go back when the SDK retries a request). */
  long sent() {
    return sent.get();
  }

  /** Makes every later body read fail. */
  void stop() {
    stopped = true;
  }
}
