package dev.locality.cli.start;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.session.SessionGrant;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Temporal test server on a free loopback port with a stand-in {@code pipeline} workflow on the
 * shared queue {@code locality}, for CLI tests that are about starting runs rather than running
 * stages: a spec whose name starts with {@code held} runs until {@link #release}d, any other
 * completes at once (with the spec's name and upload target as its result).
 */
public final class FakePipelines implements AutoCloseable {
  /** The stand-in pipeline. */
  public static class StandIn implements PipelineWorkflow {
    private boolean released;

    @Override
    public PipelineResult run(JsonNode spec) {
      String name = spec.path("name").asText();
      if (name.startsWith("held")) Workflow.await(() -> released);
      return new PipelineResult(name, "w1", "locality@w1-0000", List.of(), List.of(), List.of());
    }

    @Override
    public void sessionReady(SessionGrant grant) {
      released = true;
    }

    @Override
    public void leftover(dev.locality.api.workflow.LeftoverChange change) {}

    @Override
    public List<dev.locality.stage.Leftovers.Leftover> leftovers(int stage) {
      return List.of();
    }

    @Override
    public PipelineStatus status() {
      return new PipelineStatus(released ? "RELEASED" : "HELD", List.of(), List.of());
    }
  }

  private final TestServer.PortBoundTestServer server;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerFactory workers;
  private final int port;

  public FakePipelines() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = TestServer.createPortBoundServer(port);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    client = WorkflowClient.newInstance(service);
    workers = WorkerFactory.newInstance(client);
    workers.newWorker("locality").registerWorkflowImplementationTypes(StandIn.class);
    workers.start();
  }

  /** {@code 127.0.0.1:PORT}, for {@code TEMPORAL_ADDRESS}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public WorkflowClient client() {
    return client;
  }

  /** Lets a held run complete and waits until it has. */
  public void release(String workflowId) throws Exception {
    client.newWorkflowStub(PipelineWorkflow.class, workflowId).sessionReady(null);
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    stub.getResult(20, TimeUnit.SECONDS, PipelineResult.class);
  }

  /** The memo {@code key} of the latest run of {@code workflowId}. */
  public String memo(String workflowId, String key) {
    Object value = client.newUntypedWorkflowStub(workflowId).describe().getMemo(key, String.class);
    return value == null ? null : value.toString();
  }

  /** Runs of {@code workflowId} the server knows, open and closed (its legacy list API). */
  public long runsOf(String workflowId) {
    WorkflowExecutionFilter filter =
        WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId).build();
    long open =
        service
            .blockingStub()
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace("default")
                    .setExecutionFilter(filter)
                    .build())
            .getExecutionsCount();
    long closed =
        service
            .blockingStub()
            .listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace("default")
                    .setExecutionFilter(filter)
                    .build())
            .getExecutionsCount();
    return open + closed;
  }

  @Override
  public void close() {
    workers.shutdownNow();
    service.shutdownNow();
    server.close();
  }
}
