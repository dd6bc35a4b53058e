package dev.locality.worker;

import dev.locality.api.workers.WorkerRegistryWorkflow;
import dev.locality.api.workers.WorkerReport;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this worker to the {@link WorkerRegistryWorkflow} of its shared queue every {@link
 * WorkerRegistryWorkflow#REPORT_INTERVAL}: its pools with their slots and the slots in use, its
 * version and host. Each report is a signal-with-start, so the first worker creates the registry
 * and a registry that was terminated comes back with the next report. {@link #close()} sends a last
 * report marked {@code stopping}; {@link #beginStopping()} marks every report from then on (a
 * draining worker). A report that fails (server unreachable) is logged and the next one tried on
 * schedule: reporting never stops or slows the worker. Thread-safe.
 */
final class WorkerPresence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerPresence.class);
  private static final Duration LAST_REPORT_DEADLINE = Duration.ofSeconds(5);

  private final WorkflowClient client;
  private final String sharedQueue;
  private final Supplier<WorkerReport> report;
  private final ScheduledExecutorService scheduler;
  private volatile boolean failing;
  private volatile boolean stopping;

  /**
   * @param report builds the current report (called on the reporting thread); {@code stopping} is
   *     set by this class for the last report
   */
  WorkerPresence(WorkflowClient client, String sharedQueue, Supplier<WorkerReport> report) {
    this.client = client;
    this.sharedQueue = sharedQueue;
    this.report = report;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "locality-worker-presence");
              t.setDaemon(true);
              return t;
            });
  }

  /** Reports now and then every {@link WorkerRegistryWorkflow#REPORT_INTERVAL}. */
  WorkerPresence start() {
    long period = WorkerRegistryWorkflow.REPORT_INTERVAL.toMillis();
    scheduler.scheduleWithFixedDelay(() -> send(current()), 0, period, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops reporting and sends the last report, marked stopping (bounded wait). Idempotent. */
  @Override
  public void close() {
    if (scheduler.isShutdown()) return;
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(LAST_REPORT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    stopping = true;
    send(current());
  }

  /** From now on every report says the worker is shutting down (it drains, then exits). */
  void beginStopping() {
    stopping = true;
  }

  private WorkerReport current() {
    WorkerReport r = report.get();
    return new WorkerReport(
        r.workerId(),
        r.host(),
        r.version(),
        r.uniqueQueue(),
        r.pools(),
        r.reportedAtMillis(),
        stopping,
        r.cachedUrls());
  }

  private void send(WorkerReport r) {
    try {
      WorkflowStub registry =
          client.newUntypedWorkflowStub(
              WorkerRegistryWorkflow.TYPE,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(WorkerRegistryWorkflow.workflowId(sharedQueue))
                  .setTaskQueue(sharedQueue)
                  // a task held by a worker that dies is retried after this, not the 10 s default
                  .setWorkflowTaskTimeout(PipelineWorkflow.WORKFLOW_TASK_TIMEOUT)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .build());
      registry.signalWithStart("workerReport", new Object[] {r}, new Object[] {List.of()});
      if (failing) log.info("worker report delivered again");
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) log.warn("could not report this worker to the registry: {}", e.toString());
      failing = true;
    }
  }
}
