package dev.locality.cli.connect;

import dev.locality.api.converter.LocalityDataConverter;
import dev.locality.stage.runtime.FileTrees;
import dev.locality.worker.LocalityWorker;
import dev.locality.worker.WorkerConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default: Temporal's Java test server on a free loopback port (time skipping locked
 * off, so timers and timeouts run on the wall clock like a real server) plus one in-process
 * Locality worker with a temporary work root. Lives as long as the {@link TemporalConnection} that
 * owns it; everything it holds is gone after close (server state, work root).
 */
final class EmbeddedTemporal {

  private final LocalTemporalServer server;
  private final int port;
  private final Path workRoot;
  private LocalityWorker worker;

  private EmbeddedTemporal(LocalTemporalServer server, int port, Path workRoot) {
    this.server = server;
    this.port = port;
    this.workRoot = workRoot;
  }

  /**
   * Starts the server and a worker polling {@code sharedQueue}.
   *
   * @return an open connection whose close stops the worker (graceful drain) and the server
   */
  static TemporalConnection start(String sharedQueue, Path pluginsDir) {
    return start(sharedQueue, true, pluginsDir);
  }

  /**
   * Starts the server, and a worker polling {@code sharedQueue} when {@code withWorker}; without
   * one the caller brings its own workers (they reach the server at the connection's target).
   */
  static TemporalConnection start(String sharedQueue, boolean withWorker, Path pluginsDir) {
    EmbeddedTemporal embedded = startServer();
    WorkflowServiceStubs stubs = null;
    try {
      String target = "127.0.0.1:" + embedded.port;
      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              stubs,
              WorkflowClientOptions.newBuilder()
                  .setNamespace("default")
                  .setDataConverter(LocalityDataConverter.create())
                  .build());
      if (!withWorker) return new TemporalConnection(stubs, client, target, embedded);
      embedded.worker =
          LocalityWorker.start(
              client,
              WorkerConfig.newBuilder()
                  .setWorkRoot(embedded.workRoot)
                  .setSharedQueue(sharedQueue)
                  .setPluginsDir(pluginsDir)
                  .build());
      return new TemporalConnection(stubs, client, target, embedded);
    } catch (RuntimeException e) {
      if (stubs != null) stubs.shutdownNow();
      embedded.closeServer();
      throw e;
    }
  }

  private static EmbeddedTemporal startServer() {
    Path workRoot;
    try {
      workRoot = Files.createTempDirectory("locality-embedded-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work root for the embedded worker", e);
    }
    try {
      // loopback only (the server has no authentication); port 0: the OS picks a free one
      LocalTemporalServer server =
          LocalTemporalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new EmbeddedTemporal(server, server.port(), workRoot);
    } catch (IOException e) {
      try {
        FileTrees.deleteRecursively(workRoot);
      } catch (IOException ignored) {
        // best effort: a temporary directory left behind is harmless
      }
      throw new UncheckedIOException("cannot start the embedded Temporal server on 127.0.0.1", e);
    }
  }

  String workerDescription() {
    return worker == null ? null : worker.workerId() + " (queue " + worker.uniqueQueue() + ")";
  }

  void closeWorker() {
    if (worker != null) {
      worker.close();
      worker = null;
    }
  }

  void closeServer() {
    try {
      server.close();
    } finally {
      deleteWorkRoot();
    }
  }

  private void deleteWorkRoot() {
    try {
      FileTrees.deleteRecursively(workRoot);
    } catch (IOException e) {
      // best effort: a temporary directory left behind is harmless
    }
  }
}
