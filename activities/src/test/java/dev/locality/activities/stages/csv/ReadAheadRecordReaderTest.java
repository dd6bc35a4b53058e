package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReadAheadRecordReaderTest {

  @Test
  void returnsEveryRecordWithItsLineAndTheEndLineInOrder() throws IOException {
    int rows = 5 * ReadAheadRecordReader.BATCH_ROWS + 7;
    Rows source = new Rows(rows, -1, null);
    List<String> seen = new ArrayList<>();
    try (ReadAheadRecordReader reader = new ReadAheadRecordReader(source)) {
      for (String[] row; (row = reader.next()) != null; ) {
        seen.add(row[0] + "@" + reader.line());
      }
      assertThat(reader.line()).isEqualTo(source.line());
      assertThat(reader.next()).isNull();
    }
    assertThat(seen).hasSize(rows);
    for (int i = 0; i < rows; i++) assertThat(seen.get(i)).isEqualTo("r" + i + "@" + (2 * i + 1));
    assertThat(source.closed).isTrue();
  }

  @Test
  void aFailureIsThrownAfterTheRecordsBeforeItAsTheWrappedReaderThrewIt() throws IOException {
    BadInputException bad = new BadInputException("f.csv line 1401: bad");
    Rows source = new Rows(10_000, 700, bad);
    int read = 0;
    try (ReadAheadRecordReader reader = new ReadAheadRecordReader(source)) {
      BadInputException thrown = null;
      try {
        while (reader.next() != null) read++;
      } catch (BadInputException e) {
        thrown = e;
      }
      assertThat(thrown).isSameAs(bad);
      assertThat(read).isEqualTo(700);
      assertThatThrownBy(reader::next).isSameAs(bad);
    }
  }

  @Test
  void aRefusalOfTheFastEngineReachesTheCallerUnchanged() throws IOException {
    FastCsvRefusedException refused = new FastCsvRefusedException(new RuntimeException("nul"));
    try (ReadAheadRecordReader reader = new ReadAheadRecordReader(new Rows(3, 0, refused))) {
      assertThatThrownBy(reader::next).isSameAs(refused);
    }
  }

  @Test
  void closingEarlyStopsTheParsingThreadAndClosesTheWrappedReader() throws IOException {
    Rows endless = new Rows(Integer.MAX_VALUE, -1, null);
    ReadAheadRecordReader reader = new ReadAheadRecordReader(endless, 64 * 1024);
    assertThat(reader.next()).isNotNull();
    reader.close();
    assertThat(reader.parsing()).isFalse();
    assertThat(endless.closed).isTrue();
    assertThat(parsingThreads()).isZero();
  }

  @Test
  void batchesInFlightAreBoundedByWeight() throws Exception {
    int budget = 64 * 1024;
    Rows source = new Rows(1_000_000, -1, null);
    try (ReadAheadRecordReader reader = new ReadAheadRecordReader(source, budget)) {
      reader.next();
      Thread.sleep(300); // the parser fills what the budget allows, then waits
      int ahead = source.served.get();
      // a row weighs at least 4 characters ("r0" and its separators): the budget plus the batch
      // being filled and the one being read, not the million rows of the source
      int lightestRow = 4;
      assertThat(ahead).isLessThan(budget / lightestRow + 2 * ReadAheadRecordReader.BATCH_ROWS);
      for (int i = 0; i < 10_000; i++) reader.next();
      assertThat(source.served.get()).isGreaterThan(ahead);
    }
  }

  @Test
  void aRecordHeavierThanTheBudgetStillPassesAlone() throws IOException {
    String huge = "x".repeat(100_000);
    RecordReader source =
        new RecordReader() {
          int i;

          @Override
          public String[] next() {
            return i++ < 3 ? new String[] {huge} : null;
          }

          @Override
          public long line() {
            return i;
          }

          @Override
          public void close() {}
        };
    try (ReadAheadRecordReader reader = new ReadAheadRecordReader(source, 1_000)) {
      assertThat(reader.next()[0]).hasSize(100_000);
      assertThat(reader.next()[0]).hasSize(100_000);
      assertThat(reader.next()[0]).hasSize(100_000);
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void anInterruptedCallerGetsAnInterruptedIoException() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    RecordReader stuck =
        new RecordReader() {
          @Override
          public String[] next() throws IOException {
            blocked.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              throw new InterruptedIOException("stopped");
            }
            return null;
          }

          @Override
          public long line() {
            return 1;
          }

          @Override
          public void close() {}
        };
    AtomicReference<Throwable> caught = new AtomicReference<>();
    ReadAheadRecordReader reader = new ReadAheadRecordReader(stuck);
    Thread caller =
        new Thread(
            () -> {
              try {
                reader.next();
              } catch (Throwable t) {
                caught.set(t);
              }
            });
    caller.start();
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(10_000);
    assertThat(caught.get()).isInstanceOf(InterruptedIOException.class);
    reader.close();
    assertThat(reader.parsing()).isFalse();
  }

  private static long parsingThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("locality-csv-parse") && t.isAlive())
        .count();
  }

  /** Rows "r0", "r1", ... on odd lines, failing with {@code failure} before row {@code failAt}. */
  private static final class Rows implements RecordReader {
    private final int rows;
    private final int failAt;
    private final RuntimeException failure;
    final AtomicInteger served = new AtomicInteger();
    private final String[] reused = new String[1];
    private long line = 1;
    volatile boolean closed;

    Rows(int rows, int failAt, RuntimeException failure) {
      this.rows = rows;
      this.failAt = failAt;
      this.failure = failure;
    }

    @Override
    public String[] next() {
      int i = served.get();
      if (i == failAt) throw failure;
      if (i >= rows) {
        line = 2L * rows + 1;
        return null;
      }
      line = 2L * i + 1;
      served.incrementAndGet();
      reused[0] = "r" + i; // reused like FastCSV's array: the read-ahead must copy it
      return reused;
    }

    @Override
    public long line() {
      return line;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
