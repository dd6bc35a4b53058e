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
 * @param cachedUrls hashes of the URLs the worker holds in its download cache ({@code download}
 *     with {@code cache: true}), most recently used first, at most {@link #MAX_CACHED_URLS}: the
 *     pipeline workflow offers a new session for such a URL to this worker first
 */
public record WorkerReport(
    String workerId,
    String host,
    String version,
    String uniqueQueue,
    List<PoolReport> pools,
    long reportedAtMillis,
    boolean stopping,
    List<String> cachedUrls) {

  /** The most URL hashes a report carries (the most recently used first). */
  public static final int MAX_CACHED_URLS = 256;

  public WorkerReport {
    pools = pools == null ? List.of() : List.copyOf(pools);
    cachedUrls =
        cachedUrls == null
            ? List.of()
            : List.copyOf(cachedUrls.subList(0, Math.min(cachedUrls.size(), MAX_CACHED_URLS)));
  }

  /** A report without download cache hints (workers from before the cache). */
  public WorkerReport(
      String workerId,
      String host,
      String version,
      String uniqueQueue,
      List<PoolReport> pools,
      long reportedAtMillis,
      boolean stopping) {
    this(workerId, host, version, uniqueQueue, pools, reportedAtMillis, stopping, List.of());
  }

  /** This report with {@code cachedUrls} as its cache hints. */
  public WorkerReport withCachedUrls(List<String> cachedUrls) {
    return new WorkerReport(
        workerId, host, version, uniqueQueue, pools, reportedAtMillis, stopping, cachedUrls);
  }
}
