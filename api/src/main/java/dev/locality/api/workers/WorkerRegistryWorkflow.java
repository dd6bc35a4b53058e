package dev.locality.api.workers;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;

/**
 * The registry of live workers on one shared queue: a long-running workflow (id {@link
 * #workflowId}, on the shared queue) that every worker signals its {@link WorkerReport} to (with
 * signal-with-start, so the first worker creates it), and that {@code locality workers} queries.
 * The listing is what the workers said about themselves, never guessed: a worker that stops
 * reporting turns {@link WorkerEntry#GONE} after {@link #GONE_AFTER}, and is forgotten after {@link
 * #FORGET_AFTER}. Any live worker answers the query (every worker polls the shared queue for
 * workflow tasks); with no worker alive, nobody does.
 */
@WorkflowInterface
public interface WorkerRegistryWorkflow {
  /** The workflow type name. */
  String TYPE = "locality-worker-registry";

  /** How often a worker reports. */
  Duration REPORT_INTERVAL = Duration.ofSeconds(5);

  /** Without a report for this long a worker is gone (three missed reports). */
  Duration GONE_AFTER = REPORT_INTERVAL.multipliedBy(3);

  /** A gone or stopped worker is dropped from the registry this long after its last report. */
  Duration FORGET_AFTER = Duration.ofMinutes(10);

  /** The registry's workflow id for a shared queue. */
  static String workflowId(String sharedQueue) {
    return "locality-workers:" + sharedQueue;
  }

  /**
   * Runs until its history grows long, then continues as new with the entries it holds.
   *
   * @param carried the entries of the previous run (empty for the first)
   */
  @WorkflowMethod(name = TYPE)
  void run(List<WorkerEntry> carried);

  /** A worker's report; replaces that worker process's previous one. */
  @SignalMethod(name = "workerReport")
  void report(WorkerReport report);

  /** Every worker the registry remembers, with its state as of the registry's clock. */
  @QueryMethod(name = "workers")
  WorkerListing workers();
}
