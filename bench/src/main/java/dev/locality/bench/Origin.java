package dev.locality.bench;

import static dev.locality.bench.Log.log;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The HTTP origin the download stage and the limit read from: a static file server for the data
 * directory in this JVM (GET and HEAD, Content-Length, ETag).
 */
final class Origin {
  private final Path dataDir;
  private final HttpServer server;
  private final java.util.concurrent.atomic.AtomicLong bodyBytes =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong gets =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong heads =
      new java.util.concurrent.atomic.AtomicLong();

  /** What the origin served so far: body bytes sent, GET and HEAD requests answered. */
  record Counts(long bodyBytes, long gets, long heads) {}

  Counts counts() {
    return new Counts(bodyBytes.get(), gets.get(), heads.get());
  }

  private Origin(Path dataDir, HttpServer server) {
    this.dataDir = dataDir;
    this.server = server;
  }

  static Origin start(Path dataDir) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    Origin origin = new Origin(dataDir, server);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            origin.serve(exchange);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    log("HTTP origin on http://127.0.0.1:%d/ serving %s", server.getAddress().getPort(), dataDir);
    return origin;
  }

  /** The URL of a file of the data directory. */
  String url(Path file) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + file.getFileName();
  }

  void stop() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    String name = Path.of(exchange.getRequestURI().getPath()).getFileName().toString();
    Path file = dataDir.resolve(name);
    if (!Files.isRegularFile(file)) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    long size = Files.size(file);
    exchange.getResponseHeaders().set("Content-Type", "application/gzip");
    exchange
        .getResponseHeaders()
        .set("ETag", "\"" + size + "-" + Files.getLastModifiedTime(file).toMillis() + "\"");
    if (exchange.getRequestMethod().equals("HEAD")) {
      heads.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Length", "" + size);
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    gets.incrementAndGet();
    exchange.sendResponseHeaders(200, size);
    try (InputStream in = Files.newInputStream(file);
        OutputStream body = exchange.getResponseBody()) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) != -1) {
        body.write(buffer, 0, n);
        bodyBytes.addAndGet(n);
      }
    } catch (IOException e) {
      // client went away (a killed worker)
    }
  }
}
