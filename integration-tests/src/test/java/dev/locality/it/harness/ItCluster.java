package dev.locality.it.harness;

import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Map;

/**
 * A whole Locality deployment for a test, in either {@link ItMode}: a Temporal server, workers
 * (started, stopped, killed, paused and partitioned by id), an HTTP origin with injectable faults
 * and an S3 API server, and a client. Every address handed to workers (origin URLs, S3 endpoint) is
 * one the workers can reach in this mode. Close it to stop everything.
 *
 * <pre>{@code
 * try (ItCluster cluster = ItClusters.builder().workers("w1", "w2").serve(dir).withS3().start()) {
 *   String id = new Pipelines(cluster.client()).start("it", spec);
 * }
 * }</pre>
 */
public interface ItCluster extends AutoCloseable {
  ItMode mode();

  WorkflowClient client();

  /** {@code host:port} at which a process on this machine (the CLI) reaches the Temporal server. */
  String temporalAddress();

  /** The HTTP origin; throws if the cluster serves no directory. */
  HttpOrigin origin();

  /** The S3 API server; throws if the cluster was built without one. */
  S3Server s3();

  /** Starts one more worker with the cluster's settings plus {@code env}; waits until it polls. */
  ItWorker startWorker(String workerId, Map<String, String> env);

  /** Starts several workers at once with the cluster's settings plus {@code env}; waits for all. */
  default List<ItWorker> startWorkers(Map<String, String> env, String... workerIds) {
    // one thread per worker: the common pool has a single thread on a two-core machine
    java.util.concurrent.ExecutorService starters =
        java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, workerIds.length));
    try {
      List<java.util.concurrent.CompletableFuture<ItWorker>> starts =
          java.util.Arrays.stream(workerIds)
              .map(
                  id ->
                      java.util.concurrent.CompletableFuture.supplyAsync(
                          () -> startWorker(id, env), starters))
              .toList();
      return starts.stream().map(java.util.concurrent.CompletableFuture::join).toList();
    } finally {
      starters.shutdown();
    }
  }

  ItWorker worker(String workerId);

  /** The workers in start order, also those that exited since. */
  List<? extends ItWorker> workers();

  @Override
  void close();
}
