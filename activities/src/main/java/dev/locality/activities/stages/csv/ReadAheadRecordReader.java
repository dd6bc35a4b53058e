package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Parses on a thread of its own while the caller processes and writes the records already parsed,
 * so a transform uses two cores. Wraps any {@link RecordReader} and returns exactly its records,
 * line numbers and failures, in the same order: a failure of the wrapped reader (bad input, {@link
 * FastCsvRefusedException}, an I/O error, an {@link Error}) is thrown by {@link #next} after the
 * records parsed before it, as the wrapped reader would have thrown it there.
 *
 * <p>Records travel in batches of at most {@value #BATCH_ROWS} rows. Memory is bounded by weight
 * (characters in fields): batches in flight hold at most {@code maxInFlightChars} characters, plus
 * one record larger than that, which is let through alone. So the read-ahead adds at most about
 * {@code 2 × maxInFlightChars} bytes to the wrapped reader's own bound on a record.
 *
 * <p>Thread-safety: one consumer thread calls {@link #next}, {@link #line} and {@link #close}; the
 * wrapped reader is used only by the parsing thread until {@link #close} has stopped it. {@link
 * #close} interrupts the parsing thread, waits for it to end (it ends within one record: a blocked
 * read of a file is interruptible) and then closes the wrapped reader, so no thread outlives the
 * reader, whether the consumer read to the end, stopped early on bad input, or was cancelled.
 */
final class ReadAheadRecordReader implements RecordReader {
  /** Rows per batch: large enough that hand-over costs nothing per row. */
  static final int BATCH_ROWS = 512;

  /** Characters in flight by default (16 MiB of heap at most as UTF-16). */
  static final int DEFAULT_IN_FLIGHT_CHARS = 8 * 1024 * 1024;

  private static final long JOIN_MILLIS = 30_000;

  private final RecordReader delegate;
  private final int maxInFlightChars;
  private final BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(16);
  private final Semaphore inFlight;
  private final Thread parser;
  private Batch current = Batch.EMPTY;
  private int index;
  private long line;
  private boolean closed;

  /**
   * Starts parsing {@code delegate} at once, on a new daemon thread.
   *
   * @param delegate the reader to parse ahead of the caller; closed by {@link #close}
   * @param maxInFlightChars the weight of the batches parsed but not yet taken
   */
  ReadAheadRecordReader(RecordReader delegate, int maxInFlightChars) {
    if (maxInFlightChars < 1) throw new IllegalArgumentException("maxInFlightChars < 1");
    this.delegate = delegate;
    this.maxInFlightChars = maxInFlightChars;
    this.inFlight = new Semaphore(maxInFlightChars);
    this.line = delegate.line();
    this.parser = new Thread(this::parse, "locality-csv-parse");
    parser.setDaemon(true);
    parser.start();
  }

  ReadAheadRecordReader(RecordReader delegate) {
    this(delegate, DEFAULT_IN_FLIGHT_CHARS);
  }

  @Override
  public String[] next() throws IOException {
    if (closed) throw new IOException("reader closed");
    while (index == current.count) {
      if (current.failure != null) throw rethrow(current.failure);
      if (current.last) {
        line = current.endLine;
        return null;
      }
      inFlight.release(current.permits);
      current = take();
      index = 0;
    }
    line = current.lines[index];
    return current.rows[index++];
  }

  @Override
  public long line() {
    return line;
  }

  /** Stops the parsing thread, waits for it, then closes the wrapped reader. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    parser.interrupt();
    boolean interrupted = false;
    try {
      parser.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    try {
      delegate.close();
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
    if (parser.isAlive()) {
      throw new IOException("the CSV parsing thread did not stop within " + JOIN_MILLIS + " ms");
    }
  }

  /** Whether the parsing thread is still running (for tests). */
  boolean parsing() {
    return parser.isAlive();
  }

  private Batch take() throws IOException {
    try {
      return batches.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for parsed CSV records");
    }
  }

  /** The parsing thread: batches until the end, a failure, or an interrupt from {@link #close}. */
  private void parse() {
    try {
      Batch batch = new Batch();
      while (true) {
        String[] row;
        try {
          row = delegate.next();
        } catch (Throwable t) {
          batch.failure = t;
          hand(batch);
          return;
        }
        if (row == null) {
          batch.last = true;
          batch.endLine = delegate.line();
          hand(batch);
          return;
        }
        int weight = weight(row);
        batch.add(row.clone(), delegate.line(), weight);
        if (batch.count == BATCH_ROWS || batch.weight >= maxInFlightChars / 8) {
          hand(batch);
          batch = new Batch();
        }
      }
    } catch (InterruptedException e) {
      // close() stops the thread: nobody takes batches any more
    }
  }

  /** Waits for room (by weight), then queues {@code batch}. */
  private void hand(Batch batch) throws InterruptedException {
    batch.permits = (int) Math.min(batch.weight, maxInFlightChars);
    inFlight.acquire(batch.permits);
    batches.put(batch);
  }

  private static int weight(String[] row) {
    long chars = 1;
    for (String field : row) if (field != null) chars += field.length() + 1;
    return (int) Math.min(Integer.MAX_VALUE, chars);
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof IOException io) return io;
    if (failure instanceof RuntimeException runtime) throw runtime;
    if (failure instanceof Error error) throw error;
    throw new UncheckedIOException(new IOException(failure));
  }

  /** Rows parsed together, with each one's line, then possibly the end or a failure. */
  private static final class Batch {
    static final Batch EMPTY = new Batch();

    final String[][] rows = new String[BATCH_ROWS][];
    final long[] lines = new long[BATCH_ROWS];
    int count;
    long weight;
    int permits;
    Throwable failure;
    boolean last;
    long endLine;

    void add(String[] row, long rowLine, int rowWeight) {
      rows[count] = row;
      lines[count++] = rowLine;
      weight += rowWeight;
    }
  }
}
