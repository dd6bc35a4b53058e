package dev.locality.workflows.testing;

import dev.locality.api.session.Pools;
import dev.locality.api.session.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A simulated Locality worker process: a lease worker on the shared queue with one session slot,
 * and a stage worker on its own unique queue. {@link #kill()} makes it behave like a dead process:
 * its lease stops heartbeating and its stages stop answering (both hang until {@link #close()}),
 * and since the hung lease keeps its only slot, it polls the shared queue no more.
 */
public final class FakeWorker implements AutoCloseable {
  public static final String SHARED_QUEUE = TaskQueues.DEFAULT_SHARED;

  private final String workerId;
  private final String pool;
  private final String taskQueue;
  private final WorkerFactory factory;
  private final Worker leaseWorker;
  private final Worker stageWorker;
  private final CountDownLatch released = new CountDownLatch(1);
  private final FakeLease lease;
  private final FakeStages stages;
  private volatile boolean dead;
  private volatile boolean draining;
  private volatile Set<String> missingStages = Set.of();
  private volatile int reattachIntact = -1;

  public FakeWorker(WorkflowClient client, String workerId, String suffix) {
    this(client, workerId, suffix, Pools.DEFAULT);
  }

  /** A fake worker whose lease polls the queue of resource pool {@code pool}. */
  public FakeWorker(WorkflowClient client, String workerId, String suffix, String pool) {
    this.workerId = workerId;
    this.pool = pool;
    this.taskQueue = TaskQueues.unique(SHARED_QUEUE, workerId, suffix);
    this.factory = WorkerFactory.newInstance(client);
    this.lease = new FakeLease(client, this);
    this.stages = new FakeStages(this);
    leaseWorker =
        factory.newWorker(
            TaskQueues.leaseQueue(SHARED_QUEUE, pool),
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(1)
                // one poll at a time, as the real worker: a poll already waiting at the server
                // would steal the lease this worker just declined
                .setMaxConcurrentActivityTaskPollers(1)
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200))
                .build());
    leaseWorker.registerActivitiesImplementations(lease);
    stageWorker =
        factory.newWorker(
            taskQueue,
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200))
                .build());
    stageWorker.registerActivitiesImplementations(stages);
  }

  /** Registers more activity implementations on the unique queue; call before {@link #start}. */
  public FakeWorker withActivities(Object... implementations) {
    stageWorker.registerActivitiesImplementations(implementations);
    return this;
  }

  /**
   * This worker lacks these stage types (as a worker whose plugins directory lacks a plugin): its
   * lease declines requests naming them, like the real lease. Call before {@link #start}.
   */
  public FakeWorker withoutStages(String... types) {
    missingStages = Set.of(types);
    return this;
  }

  /**
   * This worker is a restarted process of its worker id that finds the files of its previous
   * process's sessions: it also polls the id's re-attach queue, and grants a re-attach offer with
   * {@code intactStages} (at most the offer's completed stages) verified; a negative value makes it
   * decline offers (no files on its disk). Call before {@link #start}.
   */
  public FakeWorker withReattach(int intactStages) {
    reattachIntact = intactStages;
    factory
        .newWorker(
            TaskQueues.reattach(SHARED_QUEUE, workerId),
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(1)
                .setMaxConcurrentActivityTaskPollers(1)
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200))
                .build())
        .registerActivitiesImplementations(lease);
    return this;
  }

  /**
   * This worker also polls its id's preferred queue of its pool (delay scheduling: sessions offered
   * to it because it holds the input), granting as on the shared queue. Call before {@link #start}.
   */
  public FakeWorker withPreferredQueue() {
    factory
        .newWorker(
            TaskQueues.leaseQueue(TaskQueues.preferred(SHARED_QUEUE, workerId), pool),
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(1)
                .setMaxConcurrentActivityTaskPollers(1)
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200))
                .build())
        .registerActivitiesImplementations(lease);
    return this;
  }

  int reattachIntact() {
    return reattachIntact;
  }

  Set<String> missingStages() {
    return missingStages;
  }

  /** Stops polling the shared queue for {@code millis}, as a declining worker does. */
  void pauseLeasePolling(long millis) {
    leaseWorker.suspendPolling();
    Thread resume =
        new Thread(
            () -> {
              try {
                Thread.sleep(millis);
              } catch (InterruptedException e) {
                return;
              }
              if (!draining) leaseWorker.resumePolling();
            },
            "fake-lease-pause-" + workerId);
    resume.setDaemon(true);
    resume.start();
  }

  public FakeWorker start() {
    factory.start();
    return this;
  }

  /** From now on the lease stops heartbeating and stages hang. */
  public void kill() {
    dead = true;
  }

  /**
   * Like a worker that got SIGTERM: stops polling the shared queue, declines leases it already
   * polled for, and fails its open session's lease with WORKER_SHUTDOWN.
   */
  public void drain() {
    draining = true;
    leaseWorker.suspendPolling();
  }

  public boolean isDraining() {
    return draining;
  }

  boolean isDead() {
    return dead;
  }

  /** Blocks a "dead" activity thread until the test ends. */
  void hangWhileDead() {
    try {
      released.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String workerId() {
    return workerId;
  }

  public String taskQueue() {
    return taskQueue;
  }

  public FakeLease lease() {
    return lease;
  }

  public FakeStages stages() {
    return stages;
  }

  @Override
  public void close() {
    released.countDown();
    factory.shutdownNow();
    factory.awaitTermination(5, TimeUnit.SECONDS);
  }
}
