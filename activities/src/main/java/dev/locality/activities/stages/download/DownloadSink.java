package dev.locality.activities.stages.download;

import dev.locality.stage.BadInputException;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.Progress;
import dev.locality.stage.StageContext;
import java.io.Closeable;
import java.io.IOException;

/**
 * Where a network download's bytes go: the {@link PartialDownload} file, appended to after the
 * bytes a previous attempt left, through {@link StageContext#resumeOutput} so the SHA-256 of the
 * whole file is computed while writing (the resumed prefix is read back once, heartbeating) and the
 * context describes the finished file without reading it again. Enforces the worker's size limit
 * against the announced total and while streaming, and heartbeats bytes done out of the total (also
 * while the fetcher waits, see {@link #keepAlive}). Not thread-safe: used by the attempt's thread.
 */
final class DownloadSink implements Closeable {
  private final PartialDownload partial;
  private final DownloadLimit limit;
  private final StageContext context;
  private HashingOutputStream out;
  private long total = -1;
  private long transferred;

  private DownloadSink(PartialDownload partial, DownloadLimit limit, StageContext context) {
    this.partial = partial;
    this.limit = limit;
    this.context = context;
  }

  /**
   * Opens the partial file, keeping its first {@code offset} bytes (digested now) and dropping
   * anything after them.
   *
   * @param limit the worker's limit on the whole file; names the download in messages
   */
  static DownloadSink open(
      PartialDownload partial, long offset, DownloadLimit limit, StageContext context)
      throws IOException {
    DownloadSink sink = new DownloadSink(partial, limit, context);
    sink.heartbeat(0);
    try {
      sink.out = context.resumeOutput(partial.data(), offset);
    } catch (IOException e) {
      throw new IOException("cannot resume " + partial.data() + ": " + e.getMessage(), e);
    }
    context.progress(offset, sink.total);
    return sink;
  }

  /** Bytes in the file so far (resumed plus written). */
  long size() {
    return out.bytes();
  }

  /** Bytes written by this attempt. */
  long transferred() {
    return transferred;
  }

  /** Drops everything: the source must be read again from its first byte. */
  void restart() throws IOException {
    out.close();
    out = context.resumeOutput(partial.data(), 0);
  }

  /**
   * Announces the whole file's size once the source tells it.
   *
   * @throws BadInputException when it exceeds the worker's limit
   */
  void expectTotal(long total) {
    limit.checkAnnounced(total);
    this.total = total;
    heartbeat(size());
  }

  /**
   * Appends bytes.
   *
   * @throws BadInputException when the file grows beyond the worker's limit
   */
  void write(byte[] buffer, int offset, int length) throws IOException {
    limit.checkReceived(size() + length);
    out.write(buffer, offset, length);
    transferred += length;
    context.progress(size(), total);
  }

  /** The SHA-256 of the whole file; call once, after the last write. */
  String sha256() {
    return out.sha256();
  }

  /**
   * Heartbeats the bytes so far again: for the fetchers while they wait for a response, so that
   * waiting never starves the heartbeat. Throws what the heartbeat throws (a cancellation).
   */
  void keepAlive() {
    heartbeat(size());
  }

  /** Heartbeats the final count. */
  void finish() {
    heartbeat(size());
  }

  /** Heartbeats {@code done} of the total now, unthrottled. */
  private void heartbeat(long done) {
    context.heartbeat(Progress.bytes(done, total));
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
