package dev.locality.activities.stages;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.ProgressReporter;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.StageContext;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Where a network download's bytes go: the {@link PartialDownload} file, appended to after the
 * bytes a previous attempt left. Keeps the SHA-256 of the whole file (the resumed prefix is read
 * back once), enforces the worker's size limit against the announced total and while streaming, and
 * heartbeats bytes done out of the total. Not thread-safe: used by the attempt's thread.
 */
final class DownloadSink implements Closeable {
  private final FileChannel channel;
  private final DownloadLimit limit;
  private final StageContext context;
  private MessageDigest digest = Sha256.newDigest();
  private ProgressReporter progress;
  private long size;
  private long transferred;

  private DownloadSink(FileChannel channel, DownloadLimit limit, StageContext context) {
    this.channel = channel;
    this.limit = limit;
    this.context = context;
    this.progress = ProgressReporter.bytes(context, -1);
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
    FileChannel channel =
        FileChannel.open(partial.data(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    DownloadSink sink = new DownloadSink(channel, limit, context);
    try {
      channel.truncate(offset);
      sink.digestPrefix(partial, offset);
      channel.position(offset);
      return sink;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void digestPrefix(PartialDownload partial, long offset) throws IOException {
    progress.reportNow(0);
    byte[] buffer = new byte[Buffers.SIZE];
    try (InputStream in = Channels.newInputStream(FileChannel.open(partial.data()))) {
      while (size < offset) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, offset - size));
        if (n < 0) throw new IOException("partial file shrank while resuming " + partial.data());
        digest.update(buffer, 0, n);
        size += n;
        progress.report(size);
      }
    }
  }

  /** Bytes in the file so far (resumed plus written). */
  long size() {
    return size;
  }

  /** Bytes written by this attempt. */
  long transferred() {
    return transferred;
  }

  /** Drops everything: the source must be read again from its first byte. */
  void restart() throws IOException {
    channel.truncate(0);
    channel.position(0);
    digest = Sha256.newDigest();
    size = 0;
  }

  /**
   * Announces the whole file's size once the source tells it.
   *
   * @throws BadInputException when it exceeds the worker's limit
   */
  void expectTotal(long total) {
    limit.checkAnnounced(total);
    progress = ProgressReporter.bytes(context, total);
    progress.reportNow(size);
  }

  /**
   * Appends bytes.
   *
   * @throws BadInputException when the file grows beyond the worker's limit
   */
  void write(byte[] buffer, int offset, int length) throws IOException {
    limit.checkReceived(size + length);
    ByteBuffer bytes = ByteBuffer.wrap(buffer, offset, length);
    while (bytes.hasRemaining()) channel.write(bytes);
    digest.update(buffer, offset, length);
    size += length;
    transferred += length;
    progress.report(size);
  }

  /** The SHA-256 of the whole file; call once, after the last write. */
  String sha256() {
    return Sha256.hex(digest);
  }

  /** Heartbeats the final count. */
  void finish() {
    progress.reportNow(size);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
