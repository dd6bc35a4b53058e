package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.stage.StageRegistry;
import dev.locality.worker.LocalityWorker;
import dev.locality.worker.WorkerConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locality cancel ID} against a real (test) server and worker: the running download sees the
 * cancel, the session closes, its files are deleted and its slot is free again.
 */
@Timeout(120)
class CancelCommandTest {
  @TempDir Path dir;

  private TestServer.PortBoundTestServer server;
  private WorkflowServiceStubs service;
  private LocalityWorker worker;
  private HttpServer origin;
  private final CountDownLatch downloadStarted = new CountDownLatch(1);
  private final CountDownLatch downloadAborted = new CountDownLatch(1);

  @AfterEach
  void stop() {
    if (worker != null) worker.close();
    if (service != null) service.shutdownNow();
    if (server != null) server.close();
    if (origin != null) origin.stop(0);
  }

  @Test
  void cancelStopsTheStageClosesTheSessionAndDeletesItsFiles() throws Exception {
    int port = freePort();
    server = TestServer.createPortBoundServer(port);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    WorkflowClient client = WorkflowClient.newInstance(service);
    worker =
        LocalityWorker.start(
            client,
            WorkerConfig.newBuilder()
                .setWorkerId("w1")
                .setWorkRoot(dir.resolve("work"))
                .setMaxSessions(1)
                .build());
    origin = endlessOrigin();

    String workflowId = "slow-download-cancel";
    var spec =
        new SpecParser(StageRegistry.load(getClass().getClassLoader()))
            .parse(
                """
                name: slow
                stages:
                  - type: download
                    url: http://127.0.0.1:%d/endless.csv
                """
                    .formatted(origin.getAddress().getPort()),
                "test");
    WorkflowClient.start(
        client.newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue("locality")
                    .setWorkflowId(workflowId)
                    .build())
            ::run,
        SpecDocument.of(spec));
    assertThat(downloadStarted.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.openSessions()).isEqualTo(1);
    assertThat(sessionDirs()).hasSize(1);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        LocalityCli.execute(
            Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port),
            new PrintWriter(out),
            new PrintWriter(err),
            "cancel",
            workflowId,
            "--json");

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("\"status\":\"CANCELED\"");
    assertThat(downloadAborted.await(10, TimeUnit.SECONDS))
        .as("the download stopped reading the body")
        .isTrue();
    awaitUntil(() -> worker.openSessions() == 0 && sessionDirs().length == 0);
    assertThat(client.newUntypedWorkflowStub(workflowId).describe().getStatus().name())
        .contains("CANCELED");

    // the slot is free: a second cancel of the ended pipeline is a no-op with exit 0
    assertThat(
            LocalityCli.execute(
                Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port),
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                "cancel",
                workflowId))
        .isZero();
  }

  private Path[] sessionDirs() throws IOException {
    try (Stream<Path> s = Files.list(worker.workDir())) {
      return s.filter(Files::isDirectory).toArray(Path[]::new);
    }
  }

  /** Serves a body that never ends, slowly, and notes when the client goes away. */
  private HttpServer endlessOrigin() throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          downloadStarted.countDown();
          try (OutputStream body = exchange.getResponseBody()) {
            while (true) {
              body.write("id,value\n1,2\n".getBytes());
              body.flush();
              Thread.sleep(50);
            }
          } catch (IOException | InterruptedException e) {
            downloadAborted.countDown();
          }
        });
    http.start();
    return http;
  }

  private static void awaitUntil(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met in 15 s");
      Thread.sleep(100);
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
