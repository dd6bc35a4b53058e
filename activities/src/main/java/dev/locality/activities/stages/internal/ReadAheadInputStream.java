package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, ahead of the reader: a producer thread fills buffers from
 * the source and hands them through a bounded queue, so that expensive work done while reading the
 * source (inflating compressed data) runs on one core while the reader (a CSV parser) uses another.
 *
 * <p><b>Memory</b>: at most {@code buffers} buffers of {@code bufferSize} bytes exist at once
 * (allocated as needed, then reused); the producer waits when they are all full.
 *
 * <p><b>Ownership</b>: the source is opened ({@link Source#open}), read and closed only by the
 * producer thread, which closes it when it ends (end of data, failure, or {@link #close}). The
 * caller closes this stream, always (try-with-resources): {@link #close} stops the producer
 * (interrupting it if it waits or reads), <b>joins</b> it and only then returns, so no thread is
 * left running after a reader stops early (bad input found mid-file, cancellation by a heartbeat,
 * an exception anywhere). A close interrupted on the calling thread still waits for the producer,
 * then restores the interrupt.
 *
 * <p><b>Failures</b>: whatever the producer's opening or reading throws is rethrown to the reader
 * by the read that reaches that point of the data (every buffer before it is read first): an {@link
 * IOException} or {@link RuntimeException} (a {@link dev.locality.stage.BadInputException}) as the
 * same object, an {@link Error} as such. A reading thread interrupted while it waits for data gets
 * an {@link InterruptedIOException} (its interrupt status set again).
 *
 * <p><b>Heartbeats</b>: the producer never heartbeats; the reading thread keeps its heartbeat duty.
 *
 * <p>Thread-safety: one reading thread (like any {@link InputStream}); {@link #close} may also be
 * called from another thread.
 */
public final class ReadAheadInputStream extends InputStream {
  /** Opens the source, on the producer thread. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  /** A filled buffer, the end of the data, or the producer's failure. */
  private record Chunk(byte[] data, int length, Throwable failure) {
    static final Chunk END = new Chunk(null, -1, null);
  }

  private final int bufferSize;
  private final int maxBuffers;
  private final BlockingQueue<Chunk> filled;
  private final BlockingQueue<byte[]> free;
  private final Thread producer;
  private volatile boolean closed;
  private int allocated; // producer thread only
  private Chunk current;
  private int position;
  private Throwable failure;
  private boolean ended;

  private ReadAheadInputStream(String threadName, Source source, int bufferSize, int buffers) {
    if (bufferSize < 1 || buffers < 2) {
      throw new IllegalArgumentException("needs bufferSize >= 1 and buffers >= 2");
    }
    this.bufferSize = bufferSize;
    this.maxBuffers = buffers;
    this.filled = new ArrayBlockingQueue<>(buffers + 1); // + the end or failure marker
    this.free = new ArrayBlockingQueue<>(buffers);
    this.producer = new Thread(() -> produce(source), threadName);
    producer.setDaemon(true);
  }

  /**
   * Starts the producer thread, which opens {@code source} and reads it ahead.
   *
   * @param threadName the producer thread's name (for thread dumps and leak checks)
   * @param bufferSize bytes per buffer handed over
   * @param buffers buffers in flight at most, at least 2
   */
  public static ReadAheadInputStream start(
      String threadName, Source source, int bufferSize, int buffers) {
    ReadAheadInputStream stream =
        new ReadAheadInputStream(threadName, Objects.requireNonNull(source), bufferSize, buffers);
    stream.producer.start();
    return stream;
  }

  private void produce(Source source) {
    Chunk last;
    try (InputStream in = source.open()) {
      while (true) {
        byte[] buffer = freeBuffer();
        int n = 0;
        while (n < buffer.length && !closed) {
          int r = in.read(buffer, n, buffer.length - n);
          if (r < 0) break;
          n += r;
        }
        if (closed) return;
        if (n > 0) filled.put(new Chunk(buffer, n, null));
        if (n < buffer.length) break;
      }
      last = Chunk.END;
    } catch (InterruptedException e) {
      return; // closed
    } catch (Throwable t) {
      if (closed) return; // the reader left: an interrupted read is no failure to report
      last = new Chunk(null, -1, t);
    }
    filled.add(last); // never blocks: one slot more than there are buffers
  }

  private byte[] freeBuffer() throws InterruptedException {
    byte[] buffer = free.poll();
    if (buffer != null) return buffer;
    if (allocated < maxBuffers) {
      allocated++;
      return new byte[bufferSize];
    }
    return free.take();
  }

  @Override
  public int read() throws IOException {
    if (!available0()) return -1;
    return current.data[position++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) return 0;
    if (!available0()) return -1;
    int n = Math.min(len, current.length - position);
    System.arraycopy(current.data, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    if (closed) throw new IOException("stream closed");
    return current == null ? 0 : current.length - position;
  }

  /** Whether bytes are there to read, waiting for the next buffer; false at the end. */
  private boolean available0() throws IOException {
    if (closed) throw new IOException("stream closed");
    if (current != null && position < current.length) return true;
    if (failure != null) throw rethrow(failure);
    if (ended) return false;
    if (current != null) {
      free.offer(current.data);
      current = null;
    }
    Chunk next;
    try {
      next = filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + producer.getName());
    }
    if (next.failure != null) {
      failure = next.failure;
      throw rethrow(failure);
    }
    if (next == Chunk.END) {
      ended = true;
      return false;
    }
    current = next;
    position = 0;
    return true;
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof RuntimeException e) throw e;
    if (t instanceof Error e) throw e;
    if (t instanceof IOException e) return e;
    return new IOException(t);
  }

  /** Stops the producer and waits for it to end; idempotent. */
  @Override
  public void close() {
    if (closed && !producer.isAlive()) return;
    closed = true;
    producer.interrupt();
    boolean interrupted = false;
    while (true) {
      try {
        producer.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    filled.clear();
    free.clear();
    current = null;
    if (interrupted) Thread.currentThread().interrupt();
  }
}
