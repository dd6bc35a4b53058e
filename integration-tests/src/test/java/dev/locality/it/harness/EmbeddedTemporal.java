package dev.locality.it.harness;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.time.Duration;

/**
 * Temporal's Java test server bound to a free port on this machine, inside the test JVM, with time
 * skipping off (it behaves like a real server in respect to time), plus a client connected to it.
 * Worker processes reach it at {@link #address()}. Not thread-safe to close concurrently.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  /** The namespace every client and worker uses; the test server accepts it without setup. */
  public static final String NAMESPACE = "default";

  private static final int BIND_ATTEMPTS = 5;

  private final TestServer.PortBoundTestServer server;
  private final int port;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;

  private EmbeddedTemporal(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
    this.stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(address())
                .setRpcTimeout(Duration.ofSeconds(10))
                .build());
    this.client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE).build());
  }

  /**
   * Starts the server on a free loopback port. A port taken between choosing and binding it is
   * retried with another port.
   */
  public static EmbeddedTemporal start() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      int port = FreePorts.pick();
      try {
        return new EmbeddedTemporal(TestServer.createPortBoundServer(port), port);
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("could not bind the Temporal test server", last);
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}: the value of {@code TEMPORAL_ADDRESS} for workers. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** A client on {@link #NAMESPACE}; shared, thread-safe, closed with this server. */
  public WorkflowClient client() {
    return client;
  }

  @Override
  public void close() {
    stubs.shutdownNow();
    stubs.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    server.close();
  }
}
