package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool's slots are shared by the leases of its own queue and of the worker's preferred queue
 * (delay scheduling): each queue is a Temporal worker with the pool's slots of its own, so without
 * this count a worker could run twice its slots. A real Temporal worker's polling is suspended
 * while the pool is full and resumed when a slot frees.
 */
class CountedLeaseTest {
  private TestWorkflowEnvironment env;
  private Worker poolQueueWorker;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    poolQueueWorker = env.newWorker("pool-queue");
    poolQueueWorker.registerActivitiesImplementations(new IdleLease()); // so it really polls
    env.start();
    assertThat(poolQueueWorker.isSuspended()).isFalse();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aSessionFromTheOtherQueueTakesTheLastSlotSoThePoolQueueStopsPollingAndDeclines()
      throws Exception {
    PoolLeases.Pool pool =
        new PoolLeases.Pool(
            "default", 1, new SharedQueuePolling(poolQueueWorker), new AtomicInteger());
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger held = new AtomicInteger();
    CountedLease preferred =
        new CountedLease(
            r -> {
              held.incrementAndGet();
              waitFor(release);
            },
            pool,
            "w1");
    CountedLease poolQueue = new CountedLease(r -> held.incrementAndGet(), pool, "w1");
    SessionRequest request = new SessionRequest("s1", 1, List.of(), List.of());

    Thread running = new Thread(() -> preferred.hold(request));
    running.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> held.get() == 1);
    assertThat(pool.inUse().get()).isEqualTo(1);
    assertThat(pool.freeSlots()).isZero();
    assertThat(poolQueueWorker.isSuspended()).as("the pool's queue stops polling").isTrue();

    // a poll that was in flight still delivers a lease: it must not open a second session
    assertThatThrownBy(() -> poolQueue.hold(request))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(Failures.LEASE_DECLINED);
              assertThat(f.isNonRetryable()).isFalse();
              assertThat(f.getOriginalMessage())
                  .isEqualTo(
                      "worker w1 declined: every one of the 1 slots of pool default is in use");
            });
    assertThat(held.get()).isEqualTo(1);
    assertThat(pool.inUse().get()).isEqualTo(1);

    release.countDown();
    running.join(5_000);
    assertThat(pool.inUse().get()).isZero();
    assertThat(poolQueueWorker.isSuspended()).as("polling resumes once a slot frees").isFalse();
    poolQueue.hold(request);
    assertThat(held.get()).isEqualTo(2);
  }

  @Test
  void thePoolQueueIsNotResumedWhileLowDiskStillHoldsIt() {
    SharedQueuePolling polling = new SharedQueuePolling(poolQueueWorker);
    PoolLeases.Pool pool = new PoolLeases.Pool("default", 1, polling, new AtomicInteger());
    polling.holdForLowDisk(true);
    new CountedLease(r -> {}, pool, "w1").hold(new SessionRequest("s1", 1, List.of(), List.of()));
    assertThat(poolQueueWorker.isSuspended()).isTrue();
    polling.holdForLowDisk(false);
    assertThat(poolQueueWorker.isSuspended()).isFalse();
  }

  /** A lease on the pool's queue that nobody requests: it only makes the worker poll. */
  static final class IdleLease implements dev.locality.api.session.SessionLeaseActivity {
    @Override
    public void hold(SessionRequest request) {}
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("not released");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
