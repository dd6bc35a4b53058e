package dev.locality.cli;

import dev.locality.cli.connect.LocalTemporalServer;
import dev.locality.worker.IpLiterals;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code locality server}: Temporal's Java test server bound to a port until Ctrl-C, for local
 * development with separate worker and CLI processes. Time skipping is locked off, so timeouts and
 * timers run on the wall clock. State lives in memory and is lost on exit. Any namespace name is
 * accepted.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description =
        "Run an in-memory Temporal development server (the Java test server) until Ctrl-C.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality server &",
      "  TEMPORAL_ADDRESS=127.0.0.1:7233 locality worker --worker-id w1 &",
      "  locality server --port 7300",
      "  locality server --listen 0.0.0.0   # reachable from other hosts, no authentication"
    })
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description = "port to listen on (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--listen",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description =
          "IP address to listen on (default: ${DEFAULT-VALUE}, this host only); 0.0.0.0 for every"
              + " interface: the server has no authentication, so anyone who reaches it can start"
              + " and read pipelines")
  String listen;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    InetAddress address;
    try {
      address = IpLiterals.parse(listen);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("locality: --listen: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    LocalTemporalServer server;
    try {
      server = LocalTemporalServer.start(new InetSocketAddress(address, port));
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println("locality: cannot listen on " + listen + ":" + port + ": " + e.getMessage());
      return ExitCodes.PIPELINE_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "locality-server-shutdown"));
    boolean everywhere = address.isAnyLocalAddress();
    out.println(
        "Temporal test server listening on "
            + listen
            + ":"
            + server.port()
            + (everywhere
                ? " (every interface, no authentication; in memory; Ctrl-C to stop)"
                : " (this host only; in memory; Ctrl-C to stop)"));
    String host = everywhere || address.isLoopbackAddress() ? "127.0.0.1" : listen;
    out.println(
        "  use it with: TEMPORAL_ADDRESS=" + host + ":" + server.port() + " locality run SPEC");
    out.flush();
    stopped.await();
    return ExitCodes.SUCCESS;
  }
}
