package dev.locality.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP port for operators:
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process serves HTTP at all (liveness);
 *   <li>{@code GET /readyz}: 200 {@code ready}, or 503 {@code not ready} with one reason code per
 *       line ({@code temporal-unreachable}, {@code pollers-stopped}, {@code draining}, {@code
 *       disk-low}, {@code starting}) (readiness). The details (addresses, server errors) are logged
 *       when the reasons change, never served: the port has no authentication;
 *   <li>{@code GET /metrics}: Prometheus text exposition of Locality's and the Temporal SDK's
 *       meters.
 * </ul>
 *
 * Served by the JDK's HTTP server on two daemon threads, so a slow readiness check (it asks the
 * Temporal server, with a deadline) cannot block liveness for long. Thread-safe.
 */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} (port 0: any free port) and starts serving.
   *
   * @throws IOException when the port cannot be bound
   */
  static HealthServer start(
      InetSocketAddress address, Supplier<Readiness> readiness, Supplier<String> metrics)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(
        "/healthz", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          Readiness r = readiness.get();
          logIfChanged(r);
          if (r.ready()) respond(exchange, 200, "text/plain; charset=utf-8", "ready\n");
          else
            respond(
                exchange,
                503,
                "text/plain; charset=utf-8",
                "not ready\n" + String.join("\n", r.codes()) + "\n");
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "locality-health-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new HealthServer(server, executor);
  }

  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  private static final AtomicReference<List<String>> lastLogged = new AtomicReference<>(List.of());

  /** Logs the details of a readiness answer when its reasons differ from the last one logged. */
  private static void logIfChanged(Readiness r) {
    List<String> problems = r.problems();
    if (problems.equals(lastLogged.getAndSet(problems))) return;
    if (r.ready()) log.info("ready");
    else log.warn("not ready: {}", String.join("; ", problems));
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getHttpContext().getPath().equals(path)) {
        status = 404;
        body = "not found\n";
      } else if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        status = 405;
        body = "method not allowed\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** The port actually bound. */
  int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving at once. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
