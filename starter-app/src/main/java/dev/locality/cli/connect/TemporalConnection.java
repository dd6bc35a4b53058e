package dev.locality.cli.connect;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/**
 * An open connection to a Temporal service: the client the commands use, where it points, and, in
 * the embedded default, the in-process server and worker that live exactly as long as it. Closing
 * it shuts the gRPC channel down and then the embedded server and worker (if any). Not thread-safe
 * to close concurrently.
 */
public final class TemporalConnection implements AutoCloseable {
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final String target;
  private final EmbeddedTemporal embedded;

  TemporalConnection(
      WorkflowServiceStubs stubs, WorkflowClient client, String target, EmbeddedTemporal embedded) {
    this.stubs = stubs;
    this.client = client;
    this.target = target;
    this.embedded = embedded;
  }

  public WorkflowClient client() {
    return client;
  }

  /** The service address ({@code host:port}). */
  public String target() {
    return target;
  }

  /** True when this process runs the server and a worker (the embedded default). */
  public boolean isEmbedded() {
    return embedded != null;
  }

  /** The in-process worker's id and unique queue, when embedded; else null. */
  public String embeddedWorkerDescription() {
    return embedded == null ? null : embedded.workerDescription();
  }

  @Override
  public void close() {
    try {
      if (embedded != null) embedded.closeWorker();
    } finally {
      stubs.shutdown();
      if (!stubs.awaitTermination(5, TimeUnit.SECONDS)) stubs.shutdownNow();
      if (embedded != null) embedded.closeServer();
    }
  }
}
