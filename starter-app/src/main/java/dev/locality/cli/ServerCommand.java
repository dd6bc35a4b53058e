package dev.locality.cli;

import io.temporal.testserver.TestServer;
import java.io.PrintWriter;
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
      "  locality server --port 7300"
    })
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description = "port to listen on (default: ${DEFAULT-VALUE})")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    // createPortBoundServer(port) locks time skipping (real time), unlike the test environment.
    TestServer.PortBoundTestServer server;
    try {
      server = TestServer.createPortBoundServer(port);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof java.io.IOException)) throw e;
      spec.commandLine()
          .getErr()
          .println("locality: cannot listen on port " + port + ": " + e.getCause().getMessage());
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
    out.println(
        "Temporal test server listening on 127.0.0.1:"
            + port
            + " (all interfaces; in memory; Ctrl-C to stop)");
    out.println("  use it with: TEMPORAL_ADDRESS=127.0.0.1:" + port + " locality run SPEC");
    out.flush();
    stopped.await();
    return ExitCodes.SUCCESS;
  }
}
