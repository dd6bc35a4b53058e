package dev.locality.it.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A plain HTTP server on a free loopback port that serves the regular files of one directory (GET
 * and HEAD, with {@code Content-Length}; 404 for anything else, 405 for other methods). It records
 * every request path, so tests can assert how often a source was fetched. Thread-safe.
 *
 * <p>Faults a test can inject per path (the path relative to the served directory):
 *
 * <ul>
 *   <li>{@link #throttle}: a GET body trickles out in slices over a given duration (a slow source,
 *       so a download stage runs for that long and heartbeats meanwhile);
 *   <li>{@link #failNext}: the next n GETs answer a status (e.g. 500) instead of the file;
 *   <li>{@link #failAlways}: every GET answers a status;
 *   <li>{@link #release}: lifts a throttle, also for bodies already trickling (a slow source that
 *       the test lets finish once it has checked what it needed while the download ran);
 *   <li>{@link #cutNext}: the next GET announces the whole file but the connection is closed after
 *       a number of body bytes (a connection lost mid-body).
 * </ul>
 *
 * <p>Like a real file server it sends a strong {@code ETag} and {@code Last-Modified} and answers
 * {@code Range: bytes=N-} with 206 when {@code If-Range} is absent or matches; {@link
 * #rangeRequests} records the {@code Range} and {@code If-Range} headers of every GET.
 *
 * <p>Each request is served on its own thread, so throttled bodies do not hold each other up.
 */
public final class HttpOrigin implements AutoCloseable {
  /** Time between two slices of a throttled body. */
  static final Duration SLICE_INTERVAL = Duration.ofMillis(100);

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Duration> throttles = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();

  private final Map<String, Long> cuts = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final List<String> rangeRequests = new CopyOnWriteArrayList<>();

  /** Per path, how many times {@link #release} was called: a trickle ends when it changes. */
  private final Map<String, AtomicInteger> releases = new ConcurrentHashMap<>();

  /** A status answered instead of the file, a number of times (negative: always). */
  private record Fault(int status, AtomicInteger remaining) {
    /** Takes one use of the fault; false when it is used up. */
    boolean take() {
      while (true) {
        int left = remaining.get();
        if (left < 0) return true;
        if (left == 0) return false;
        if (remaining.compareAndSet(left, left - 1)) return true;
      }
    }
  }

  private final String advertisedHost;

  private HttpOrigin(Path root, InetAddress bind, String advertisedHost) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.advertisedHost = advertisedHost;
    this.server = HttpServer.create(new InetSocketAddress(bind, 0), 64);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "http-origin");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves {@code root}'s files at {@code http://127.0.0.1:<port>/<relative path>}. */
  public static HttpOrigin serve(Path root) {
    return serve(root, InetAddress.getLoopbackAddress(), "127.0.0.1");
  }

  /**
   * Serves {@code root}'s files on {@code bind} (any free port), with URLs naming {@code
   * advertisedHost}: for workers in containers, bind {@code 0.0.0.0} and advertise the container
   * network's gateway address.
   */
  public static HttpOrigin serve(Path root, InetAddress bind, String advertisedHost) {
    try {
      return new HttpOrigin(root, bind, advertisedHost);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the HTTP origin", e);
    }
  }

  /** The URL of a file relative to the served directory. */
  public URI uri(String relativePath) {
    return URI.create(
        "http://"
            + advertisedHost
            + ":"
            + server.getAddress().getPort()
            + "/"
            + relativePath.replace('\\', '/'));
  }

  /** {@code METHOD path} of every request so far, oldest first. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many GET requests asked for {@code relativePath} so far. */
  public long gets(String relativePath) {
    String request = "GET " + urlPath(relativePath);
    return requests.stream().filter(request::equals).count();
  }

  /**
   * Sends the body of every later GET of {@code relativePath} in slices {@link #SLICE_INTERVAL}
   * apart, so that the whole body takes about {@code bodyDuration} (the first slice goes out at
   * once, with the headers).
   */
  public HttpOrigin throttle(String relativePath, Duration bodyDuration) {
    throttles.put(urlPath(relativePath), bodyDuration);
    return this;
  }

  /**
   * Lifts the throttle of {@code relativePath}: later GETs are served at full speed, and bodies
   * being trickled now send their rest at once.
   */
  public HttpOrigin release(String relativePath) {
    String path = urlPath(relativePath);
    throttles.remove(path);
    releases.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    return this;
  }

  /** The next {@code times} GETs of {@code relativePath} answer {@code status} with no file. */
  public HttpOrigin failNext(String relativePath, int status, int times) {
    faults.put(urlPath(relativePath), new Fault(status, new AtomicInteger(times)));
    return this;
  }

  /** Every later GET of {@code relativePath} answers {@code status}. */
  /** The next GET of {@code relativePath} closes the connection after {@code bodyBytes} bytes. */
  public HttpOrigin cutNext(String relativePath, long bodyBytes) {
    cuts.put(urlPath(relativePath), bodyBytes);
    return this;
  }

  /**
   * Every GET as {@code <path> range=<Range header or -> if-range=<If-Range header or ->}, in
   * order.
   */
  public List<String> rangeRequests() {
    return List.copyOf(rangeRequests);
  }

  /** The strong validator this origin sends for {@code relativePath}'s current content. */
  public String etag(String relativePath) throws IOException {
    return etagOf(root.resolve(relativePath));
  }

  private static String etagOf(Path file) throws IOException {
    return "\"" + Files.size(file) + "-" + Files.getLastModifiedTime(file).toMillis() + "\"";
  }

  /**
   * Every GET and HEAD of {@code relativePath} answers {@code 302 Found} with {@code location} as
   * its {@code Location} header, sent byte for byte (a presigned URL's query included).
   */
  public HttpOrigin redirect(String relativePath, String location) {
    redirects.put(urlPath(relativePath), location);
    return this;
  }

  public HttpOrigin failAlways(String relativePath, int status) {
    faults.put(urlPath(relativePath), new Fault(status, new AtomicInteger(-1)));
    return this;
  }

  private static String urlPath(String relativePath) {
    return "/" + relativePath.replace('\\', '/');
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
      String location = redirects.get(path);
      if (location != null) {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      Fault fault = head ? null : faults.get(path);
      if (fault != null && fault.take()) {
        byte[] body = ("injected HTTP " + fault.status() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(fault.status(), body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      long size = Files.size(file);
      String etag = etagOf(file);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.getResponseHeaders().set("ETag", etag);
      exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
      if (head) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      String range = exchange.getRequestHeaders().getFirst("Range");
      String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
      rangeRequests.add(
          path
              + " range="
              + (range == null ? "-" : range)
              + " if-range="
              + (ifRange == null ? "-" : ifRange));
      long from = rangeStart(range, ifRange, etag, size);
      if (from > 0) {
        exchange
            .getResponseHeaders()
            .set("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
        exchange.sendResponseHeaders(206, size - from);
        try (OutputStream body = exchange.getResponseBody();
            java.io.InputStream in = Files.newInputStream(file)) {
          in.skipNBytes(from);
          in.transferTo(body);
        }
        return;
      }
      Long cut = cuts.remove(path);
      if (cut != null) {
        exchange.sendResponseHeaders(200, size);
        OutputStream body = exchange.getResponseBody();
        try (java.io.InputStream in = Files.newInputStream(file)) {
          body.write(in.readNBytes((int) Math.min(cut, size)));
          body.flush();
        }
        // closing the exchange short of its Content-Length drops the connection mid-body
        return;
      }
      // a positive length makes the server send Content-Length rather than chunked encoding
      exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
      try (OutputStream body = exchange.getResponseBody()) {
        AtomicInteger released = releases.computeIfAbsent(path, p -> new AtomicInteger());
        int releasedBefore = released.get();
        Duration throttle = throttles.get(path);
        if (throttle == null) Files.copy(file, body);
        else
          trickle(Files.readAllBytes(file), body, throttle, () -> released.get() != releasedBefore);
      }
    }
  }

  /**
   * Where a ranged GET starts: N for {@code bytes=N-} when If-Range is absent or matches, else 0.
   */
  private static long rangeStart(String range, String ifRange, String etag, long size) {
    if (range == null || !range.matches("bytes=\\d+-")) return 0;
    if (ifRange != null && !ifRange.equals(etag)) return 0;
    long from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    return from < size ? from : 0;
  }

  /** Writes {@code content} in slices over {@code duration}; the rest at once once released. */
  private static void trickle(
      byte[] content, OutputStream body, Duration duration, BooleanSupplier released)
      throws IOException {
    int slices = (int) Math.max(1, duration.toMillis() / SLICE_INTERVAL.toMillis());
    int sliceSize = Math.max(1, (content.length + slices - 1) / slices);
    for (int offset = 0; offset < content.length; offset += sliceSize) {
      if (offset > 0) pause();
      if (released.getAsBoolean()) {
        body.write(content, offset, content.length - offset);
        body.flush();
        return;
      }
      body.write(content, offset, Math.min(sliceSize, content.length - offset));
      body.flush();
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(SLICE_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("origin closing", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
