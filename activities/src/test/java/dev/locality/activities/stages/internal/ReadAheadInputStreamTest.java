package dev.locality.activities.stages.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
  private static final String THREAD = "read-ahead-test";

  @AfterEach
  void noProducerIsLeft() {
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(THREAD::equals))
        .isEmpty();
  }

  private static byte[] random(int n) {
    byte[] data = new byte[n];
    new Random(7).nextBytes(data);
    return data;
  }

  @Test
  void handsOnEveryByteInOrderAndClosesTheSource() throws IOException {
    byte[] data = random(1_000_003);
    AtomicBoolean sourceClosed = new AtomicBoolean();
    AtomicReference<String> openedOn = new AtomicReference<>();
    try (ReadAheadInputStream in =
        ReadAheadInputStream.start(
            THREAD,
            () -> {
              openedOn.set(Thread.currentThread().getName());
              return new ByteArrayInputStream(data) {
                @Override
                public void close() {
                  sourceClosed.set(true);
                }
              };
            },
            4096,
            3)) {
      assertThat(in.read()).isEqualTo(data[0] & 0xFF);
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 1, data.length));
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(openedOn.get()).isEqualTo(THREAD);
    assertThat(sourceClosed).isTrue();
  }

  @Test
  void aProducerFailureComesAfterTheDataBeforeItAsTheSameException() throws IOException {
    BadInputException corrupt = new BadInputException("corrupt gzip data in x.gz");
    byte[] data = random(10_000);
    InputStream source =
        new InputStream() {
          int position;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (position == data.length) throw corrupt;
            int n = Math.min(len, data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
          }
        };
    try (ReadAheadInputStream in = ReadAheadInputStream.start(THREAD, () -> source, 1000, 2)) {
      byte[] read = in.readNBytes(data.length);
      assertThat(read).isEqualTo(data);
      assertThatThrownBy(in::read).isSameAs(corrupt);
      assertThatThrownBy(in::read).as("and again").isSameAs(corrupt);
    }
  }

  @Test
  void aFailureToOpenReachesTheReader() {
    IOException gone = new IOException("no such file");
    try (ReadAheadInputStream in =
        ReadAheadInputStream.start(
            THREAD,
            () -> {
              throw gone;
            },
            10,
            2)) {
      assertThatThrownBy(in::read).isSameAs(gone);
    }
  }

  @Test
  void closingEarlyStopsAndJoinsAProducerThatWaitsForABuffer() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 'x';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            reads.incrementAndGet();
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            return len;
          }
        };
    ReadAheadInputStream in = ReadAheadInputStream.start(THREAD, () -> endless, 1024, 3);
    assertThat(in.read()).isEqualTo('x');
    // the producer fills its 3 buffers and waits: memory stays bounded
    Thread.sleep(100);
    assertThat(reads.get()).isLessThanOrEqualTo(3);
    in.close();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
  }

  @Test
  void closingStopsAProducerBlockedInsideTheSourceByInterruptingIt() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    InputStream blocking =
        new InputStream() {
          @Override
          public int read() throws IOException {
            reading.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              interrupted.set(true);
              throw new InterruptedIOException();
            }
            return -1;
          }
        };
    ReadAheadInputStream in = ReadAheadInputStream.start(THREAD, () -> blocking, 16, 2);
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    in.close();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    assertThat(interrupted).isTrue();
  }

  @Test
  void anInterruptedReaderGetsAnInterruptedIoExceptionAndKeepsItsStatus() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    InputStream silent =
        new InputStream() {
          @Override
          public int read() throws IOException {
            try {
              never.await();
            } catch (InterruptedException e) {
              throw new InterruptedIOException();
            }
            return -1;
          }
        };
    try (ReadAheadInputStream in = ReadAheadInputStream.start(THREAD, () -> silent, 16, 2)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(in::read).isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.interrupted()).as("interrupt status kept (and cleared here)").isTrue();
    }
  }

  @Test
  void closeInterruptedOnTheCallingThreadStillJoinsTheProducer() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    InputStream slowToStop =
        new InputStream() {
          @Override
          public int read() {
            reading.countDown();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < until) Thread.onSpinWait(); // deaf to interrupts
            return 'y';
          }
        };
    ReadAheadInputStream in = ReadAheadInputStream.start(THREAD, () -> slowToStop, 4, 2);
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.currentThread().interrupt();
    in.close();
    assertThat(Thread.interrupted()).as("interrupt restored after the join").isTrue();
    // @AfterEach: the producer had ended when close returned
  }
}
