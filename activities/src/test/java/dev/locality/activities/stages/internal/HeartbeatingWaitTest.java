package dev.locality.activities.stages.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HeartbeatingWaitTest {
  private final List<Long> beats = new CopyOnWriteArrayList<>();

  private void beat() {
    beats.add(System.nanoTime());
  }

  @Test
  void heartbeatsAtLeastEvery500msWhileWaiting() throws Exception {
    long start = System.nanoTime();
    String value =
        HeartbeatingWait.call(
            () -> {
              Thread.sleep(1_300);
              return "answer";
            },
            null,
            this::beat,
            v -> {});
    long end = System.nanoTime();
    assertThat(value).isEqualTo("answer");
    assertThat(beats).hasSizeGreaterThanOrEqualTo(3);
    long previous = start;
    for (long t : beats) {
      assertThat(t - previous).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
      previous = t;
    }
    assertThat(end - previous).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void aHeartbeatThatThrowsCancelsTheWaitAndPropagatesUnchanged() {
    RuntimeException cancelled = new RuntimeException("cancelled");
    CompletableFuture<String> future = new CompletableFuture<>();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                HeartbeatingWait.await(
                    future,
                    null,
                    () -> {
                      throw cancelled;
                    },
                    v -> {}))
        .isSameAs(cancelled);
    assertThat(future).isCancelled();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void anAbandonedCallIsInterruptedAndItsLateResultDiscarded() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch discarded = new CountDownLatch(1);
    AtomicInteger discards = new AtomicInteger();
    RuntimeException cancelled = new RuntimeException("cancelled");
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                HeartbeatingWait.call(
                    () -> {
                      try {
                        Thread.sleep(10_000);
                      } catch (InterruptedException e) {
                        interrupted.countDown();
                      }
                      return "late";
                    },
                    null,
                    () -> {
                      if (calls.incrementAndGet() == 2) throw cancelled;
                    },
                    v -> {
                      discards.incrementAndGet();
                      discarded.countDown();
                    }))
        .isSameAs(cancelled);
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("call interrupted").isTrue();
    assertThat(discarded.await(5, TimeUnit.SECONDS)).as("late result discarded").isTrue();
    Thread.sleep(100);
    assertThat(discards).hasValue(1);
  }

  @Test
  void aCallToCompletionIsNotInterruptedWhenAbandonedAndWhatItCreatedReachesDiscard()
      throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch discarded = new CountDownLatch(1);
    List<String> discards = new CopyOnWriteArrayList<>();
    RuntimeException lost = new RuntimeException("session lost");
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                HeartbeatingWait.callUncheckedToCompletion(
                    () -> {
                      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
                      while (System.nanoTime() < until) {
                        if (Thread.currentThread().isInterrupted()) interrupted.set(true);
                        Thread.onSpinWait();
                      }
                      return "upload-1"; // created while nobody waited any more
                    },
                    () -> {
                      if (calls.incrementAndGet() == 1) throw lost;
                    },
                    v -> {
                      discards.add(v);
                      discarded.countDown();
                    }))
        .isSameAs(lost);
    assertThat(discarded.await(5, TimeUnit.SECONDS)).as("created thing discarded").isTrue();
    assertThat(discards).containsExactly("upload-1");
    assertThat(interrupted).as("call interrupted").isFalse();
  }

  @Test
  void aTimeoutAbandonsTheCall() {
    AtomicBoolean finished = new AtomicBoolean();
    assertThatThrownBy(
            () ->
                HeartbeatingWait.call(
                    () -> {
                      Thread.sleep(5_000);
                      finished.set(true);
                      return "late";
                    },
                    Duration.ofMillis(600),
                    this::beat,
                    v -> {}))
        .isInstanceOf(TimeoutException.class);
    assertThat(beats).hasSizeGreaterThanOrEqualTo(2);
    assertThat(finished).isFalse();
  }

  @Test
  void whatTheCallThrewComesBackAsTheCause() {
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                HeartbeatingWait.call(
                    () -> {
                      throw boom;
                    },
                    null,
                    this::beat,
                    v -> {}))
        .isInstanceOf(ExecutionException.class)
        .hasCause(boom);
    assertThatThrownBy(
            () ->
                HeartbeatingWait.callUnchecked(
                    () -> {
                      throw boom;
                    },
                    this::beat,
                    v -> {}))
        .isSameAs(boom);
  }
}
