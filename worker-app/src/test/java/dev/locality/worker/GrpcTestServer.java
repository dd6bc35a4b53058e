package dev.locality.worker;

import com.uber.m3.tally.Scope;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's test server bound to a loopback port and a worker's connection to it as operators make
 * it: through temporal-envconfig ({@code TEMPORAL_ADDRESS}), with the SDK's metrics in the worker's
 * Prometheus {@link #registry()}. For the end-to-end tests that scrape a worker.
 */
final class GrpcTestServer implements AutoCloseable {
  private final TestServer.PortBoundTestServer server;
  private final PrometheusMeterRegistry registry;
  private final Scope sdkMetrics;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;

  private GrpcTestServer(String queue, String workerId) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    server = TestServer.createPortBoundServer(port);
    registry = WorkerMetrics.newRegistry(queue);
    sdkMetrics = TemporalClientSetup.sdkMetricsScope(registry, workerId);
    var profile = TemporalClientSetup.profile(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port));
    service =
        WorkflowServiceStubs.newServiceStubs(TemporalClientSetup.stubsOptions(profile, sdkMetrics));
    client =
        WorkflowClient.newInstance(
            service,
            TemporalClientSetup.clientOptions(
                TemporalClientSetup.profile(Map.of()),
                workerId,
                dev.locality.api.converter.LocalityDataConverter.create()));
  }

  /** Starts the server and connects a worker with id {@code workerId} polling {@code queue}. */
  static GrpcTestServer start(String queue, String workerId) throws IOException {
    return new GrpcTestServer(queue, workerId);
  }

  /** The worker's registry, holding the SDK's meters too. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The worker's client (its identity is the worker id). */
  WorkflowClient client() {
    return client;
  }

  @Override
  public void close() throws InterruptedException {
    service.shutdownNow();
    service.awaitTermination(5, TimeUnit.SECONDS);
    TemporalClientSetup.close(sdkMetrics);
    server.close();
  }
}
