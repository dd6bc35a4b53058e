package dev.locality.api.workers;

import java.util.List;

/**
 * What a worker says about itself to the {@link WorkerRegistryWorkflow}, every {@link
 * WorkerRegistryWorkflow#REPORT_INTERVAL} and once more when it stops.
 *
 * @param workerId the worker's id
 * @param host the worker's host name
 * @param version the worker's version
 * @param uniqueQueue the worker process's unique queue (tells two processes with one id apart)
 * @param pools the pools it serves, in the order configured (empty: workflows only)
 * @param reportedAtMillis the worker's clock when it sent the report (informational: the registry
 *     judges liveness by when it received reports, on the server's clock)
 * @param stopping true in the reports of a worker that is shutting down (draining), and its last
 */
public record WorkerReport(
    String workerId,
    String host,
    String version,
    String uniqueQueue,
    List<PoolReport> pools,
    long reportedAtMillis,
    boolean stopping) {
  public WorkerReport {
    pools = pools == null ? List.of() : List.copyOf(pools);
  }
}
