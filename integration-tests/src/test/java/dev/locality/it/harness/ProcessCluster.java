package dev.locality.it.harness;

import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Map;

/** Process mode behind {@link ItCluster}: a {@link Cluster} plus an optional S3 server. */
final class ProcessCluster implements ItCluster {
  private final Cluster cluster;
  private final S3Server s3;

  ProcessCluster(Cluster cluster, S3Server s3) {
    this.cluster = cluster;
    this.s3 = s3;
  }

  @Override
  public ItMode mode() {
    return ItMode.PROCESSES;
  }

  @Override
  public WorkflowClient client() {
    return cluster.client();
  }

  @Override
  public String temporalAddress() {
    return cluster.temporal().address();
  }

  @Override
  public HttpOrigin origin() {
    return cluster.origin();
  }

  @Override
  public S3Server s3() {
    if (s3 == null) throw new IllegalStateException("this cluster has no S3 server");
    return s3;
  }

  @Override
  public ItWorker startWorker(String workerId, Map<String, String> env) {
    return cluster.startWorker(workerId, env);
  }

  @Override
  public ItWorker worker(String workerId) {
    return cluster.worker(workerId);
  }

  @Override
  public List<? extends ItWorker> workers() {
    return cluster.workers();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      if (s3 != null) s3.close();
    }
  }
}
