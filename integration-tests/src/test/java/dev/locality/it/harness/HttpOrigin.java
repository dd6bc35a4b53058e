package dev.locality.it.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server on a free loopback port that serves the regular files of one directory (GET
 * and HEAD, with {@code Content-Length}; 404 for anything else, 405 for other methods). It records
 * every request path, so tests can assert how often a source was fetched. Thread-safe.
 */
public final class HttpOrigin implements AutoCloseable {
  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private HttpOrigin(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves {@code root}'s files at {@code http://127.0.0.1:<port>/<relative path>}. */
  public static HttpOrigin serve(Path root) {
    try {
      return new HttpOrigin(root);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the HTTP origin", e);
    }
  }

  /** The URL of a file relative to the served directory. */
  public URI uri(String relativePath) {
    return URI.create(
        "http://127.0.0.1:"
            + server.getAddress().getPort()
            + "/"
            + relativePath.replace('\\', '/'));
  }

  /** {@code METHOD path} of every request so far, oldest first. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      requests.add(method + " " + path);
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      long size = Files.size(file);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      if (head) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      // a positive length makes the server send Content-Length rather than chunked encoding
      exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
      try (OutputStream body = exchange.getResponseBody()) {
        Files.copy(file, body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
