package dev.locality.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's HTTP origin: serves one file at {@code /<file name>} on 127.0.0.1 (a free port) with a
 * Content-Length, so the download stage can show a progress bar. Always answers 200 with the whole
 * file (a worker that starts over after a failover downloads it again). Close stops it.
 */
public final class DemoOrigin implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final Path file;

  private DemoOrigin(HttpServer server, ExecutorService executor, Path file) {
    this.server = server;
    this.executor = executor;
    this.file = file;
  }

  public static DemoOrigin serve(Path file) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "locality-demo-origin");
              t.setDaemon(true);
              return t;
            });
    DemoOrigin origin = new DemoOrigin(server, executor, file);
    server.createContext("/", origin::handle);
    server.setExecutor(executor);
    server.start();
    return origin;
  }

  /** The file's URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + file.getFileName();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/" + file.getFileName())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      long size = Files.size(file);
      exchange.getResponseHeaders().set("Content-Type", "application/gzip");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, size);
      try (InputStream in = Files.newInputStream(file);
          OutputStream body = exchange.getResponseBody()) {
        in.transferTo(body);
      } catch (IOException e) {
        // the worker went away mid-download (killed on purpose in the demo)
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
