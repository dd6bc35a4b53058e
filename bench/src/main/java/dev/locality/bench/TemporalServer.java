package dev.locality.bench;

import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Java test server ({@code locality server}, {@code -Xmx1g}, JFR with {@code --jfr}) as a child
 * process, and this JVM's client of it: pipelines started directly, event histories, pending
 * activities.
 */
final class TemporalServer {
  final int port;
  final WorkflowClient client;

  /** The server's process (its CPU time is measured by section 5). */
  final Proc process;

  private final WorkflowServiceStubs stubs;

  private TemporalServer(
      int port, Proc process, WorkflowServiceStubs stubs, WorkflowClient client) {
    this.port = port;
    this.process = process;
    this.stubs = stubs;
    this.client = client;
  }

  /** Starts the server; its process joins {@code children}. */
  static TemporalServer start(Options o, Path work, Children children) throws Exception {
    int port = Ports.freePort();
    List<String> cmd = new ArrayList<>(List.of("java", "-Xmx1g"));
    if (o.jfr) cmd.add(Jfr.option(o.out, "server"));
    cmd.addAll(List.of("-jar", o.cliJar.toString(), "server", "--port", "" + port));
    Proc server = Proc.start("server", cmd, Map.of(), work);
    children.add(server);
    Ports.waitForPort(port, Duration.ofSeconds(60), server);
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    log("Temporal test server ('locality server') on 127.0.0.1:%d", port);
    return new TemporalServer(port, server, stubs, client);
  }

  /** host:port, as TEMPORAL_ADDRESS of workers and CLI processes. */
  String address() {
    return "127.0.0.1:" + port;
  }

  /** The times of one pipeline from its event history ({@link History#summarize}). */
  ObjectNode history(String workflowId) {
    return History.summarize(workflowId, client.fetchHistory(workflowId).getEvents());
  }

  /** The started, still pending activity of the given type, or null. */
  PendingActivityInfo startedActivity(String workflowId, String activityType) {
    try {
      var response =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
      for (PendingActivityInfo a : response.getPendingActivitiesList()) {
        if (a.getActivityType().getName().equals(activityType)
            && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
          return a;
        }
      }
    } catch (StatusRuntimeException e) {
      // not started yet
    }
    return null;
  }

  /** Closes the client's connection (the process is stopped with the other children). */
  void close() {
    stubs.shutdownNow();
  }
}
