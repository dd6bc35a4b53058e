package dev.locality.cli.connect;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's Java test server (in memory, real time) listening on one address, for {@code locality
 * server} and the CLI's embedded default. Unlike the SDK's {@code
 * TestServer.createPortBoundServer}, which listens on every interface, it binds only the address it
 * is given: the server has no authentication, so by default it is reachable from this host only.
 * Thread-safe; close once.
 */
public final class LocalTemporalServer implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;

  private LocalTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /**
   * Starts the server on {@code address} (port 0: any free port).
   *
   * @throws IOException when the address cannot be bound (in use, not an address of this host)
   */
  public static LocalTemporalServer start(InetSocketAddress address) throws IOException {
    // time skipping locked: the server keeps real time, as a real Temporal service does
    TestServicesStarter services = new TestServicesStarter(true, 0);
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(address, InsecureServerCredentials.create());
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
      return new LocalTemporalServer(services, builder.build().start());
    } catch (IOException | RuntimeException e) {
      services.close();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Stops listening, then the in-memory services. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
