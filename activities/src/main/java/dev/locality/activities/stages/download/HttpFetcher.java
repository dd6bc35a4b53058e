package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.HeartbeatingWait;
import dev.locality.activities.stages.internal.StallGuard;
import dev.locality.activities.stages.net.AddressRange;
import dev.locality.activities.stages.net.HostPolicy;
import dev.locality.stage.BadInputException;
import dev.locality.stage.RedactedUrl;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpHead;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;

/**
 * Downloads an http(s) URL into a {@link DownloadSink}, resuming a previous attempt's bytes.
 *
 * <p><b>Connections</b> go through Apache HttpClient 5 (classic), one client per {@link #fetch},
 * whose DNS resolver is the worker's {@link HostPolicy}: a host name is resolved once, the name and
 * every address are checked ({@link HostPolicy#checkedAddresses}), and the connection goes to one
 * of those checked addresses, so a DNS answer that changes between check and connect (DNS
 * rebinding) cannot lead it elsewhere; TLS SNI, the certificate check and the {@code Host} header
 * keep the name. An IP literal is checked before the request. No proxy, no automatic retries, no
 * content decoding, no cookies.
 *
 * <p><b>Redirects</b> are followed here, not by the client (its redirect handling is off), so that
 * every hop's host passes the worker's {@link HostPolicy}: at most {@value #MAX_REDIRECTS}, never
 * from https to http; a loop or a longer chain is bad input naming the URL. A {@code Location} is
 * resolved against the URL it came from with {@link URI#resolve} and fetched exactly as written:
 * percent-encoding ({@code %20}, {@code %2F}), {@code +} and presigned query strings reach the
 * server byte for byte (a URL is never rebuilt from its decoded parts). Only the fragment is
 * dropped.
 *
 * <p><b>Messages and logs</b> show URLs {@linkplain RedactedUrl redacted}: no userinfo, no query
 * string.
 *
 * <p><b>Resuming:</b> when the sink already holds bytes and the previous response had a strong ETag
 * or a Last-Modified date, the request carries {@code Range: bytes=<n>-} and {@code If-Range}. A
 * {@code 206} whose Content-Range starts at n is appended; a {@code 200} (the server ignores
 * ranges, or the file changed) replaces the partial bytes with its body; a {@code 416} or a range
 * starting elsewhere restarts with a plain request.
 *
 * <p><b>Failures:</b> 4xx other than 408 and 429 are bad input; 5xx, 408, 429, connection errors, a
 * body shorter than its Content-Length and a stall longer than the idle timeout (also while waiting
 * for the response headers) are transient {@link IOException}s (the partial file stays for the next
 * attempt).
 *
 * <p><b>Heartbeats:</b> while waiting for response headers the fetcher repeats the sink's progress
 * every {@link HeartbeatingWait#INTERVAL} ({@link DownloadSink#keepAlive}); a heartbeat that throws
 * (the stage was cancelled) cancels the request and propagates. Thread-safe: the client is shared,
 * state lives in the call.
 */
final class HttpFetcher {
  static final int MAX_REDIRECTS = 10;
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  private final SSLContext sslContext;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final HostPolicy hosts;
  private final Logger log;

  /** The (redacted) URL being requested, for the resolver's messages. */
  private volatile String current = "";

  /**
   * @param sslContext the https trust, null for the JVM's default
   * @param connectTimeout how long to wait for a TCP connection (and TLS handshake)
   * @param idleTimeout how long the server may stay silent: for the response headers, and between
   *     two reads of the body
   */
  HttpFetcher(
      SSLContext sslContext,
      Duration connectTimeout,
      Duration idleTimeout,
      HostPolicy hosts,
      Logger log) {
    this.sslContext = sslContext;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.hosts = hosts;
    this.log = log;
  }

  /** A client that connects only to addresses {@link #hosts} checked ({@link CheckedDns}). */
  private CloseableHttpClient newClient() {
    Timeout idle = Timeout.of(idleTimeout);
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new CheckedDns())
                .setTlsSocketStrategy(
                    sslContext == null
                        ? DefaultClientTlsStrategy.createDefault()
                        : new DefaultClientTlsStrategy(sslContext))
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(idle)
                        .build())
                .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(idle).build())
        .disableRedirectHandling() // every hop is checked here
        .disableAutomaticRetries()
        .disableContentCompression() // the bytes as sent: sizes, ranges and checksums hold
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
  }

  /**
   * The client's DNS resolver: {@link HostPolicy#checkedAddresses}, so the client connects only to
   * addresses that were checked, resolved once per connection. A refused host fails the request
   * with the policy's {@link BadInputException}; a name that does not resolve with an {@link
   * UnknownHostException} (transient).
   */
  private final class CheckedDns implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      try {
        return hosts.checkedAddresses(host, current).toArray(new InetAddress[0]);
      } catch (UnknownHostException e) {
        throw e;
      } catch (IOException e) {
        UnknownHostException unknown = new UnknownHostException(e.getMessage());
        unknown.initCause(e);
        throw unknown;
      }
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host; // never resolved for anything but a connection
    }
  }

  /**
   * Downloads {@code uri} into {@code sink}, continuing after the bytes it holds when {@code
   * partial}'s validators allow.
   *
   * @throws BadInputException for a client error, a refused host, a redirect loop or an oversize
   *     file
   * @throws IOException for transient failures
   */
  void fetch(URI uri, PartialDownload partial, DownloadSink sink)
      throws IOException, InterruptedException {
    try (CloseableHttpClient client = newClient()) {
      fetch(client, uri, partial, sink);
    }
  }

  private void fetch(
      CloseableHttpClient client, URI uri, PartialDownload partial, DownloadSink sink)
      throws IOException, InterruptedException {
    long offset = sink.size();
    String validator = offset > 0 ? validator(partial) : null;
    if (offset > 0 && validator == null) {
      sink.restart();
      offset = 0;
    }
    Runnable heartbeat = sink::keepAlive;
    Exchange exchange = open(client, uri, offset, validator, heartbeat);
    long total;
    try {
      total = startingAt(exchange, offset);
    } catch (RestartException e) {
      exchange.close();
      log.info("{}; downloading {} again from the first byte", e.getMessage(), RedactedUrl.of(uri));
      sink.restart();
      exchange = open(client, uri, 0, null, heartbeat);
      total = startingAtOrClose(exchange);
    } catch (IOException | RuntimeException e) {
      exchange.close();
      throw e;
    }
    try (Exchange ex = exchange) {
      if (ex.response.getCode() != 206 && sink.size() > 0) {
        log.info(
            "{} sent the whole file instead of the range after byte {} (it changed, or the server"
                + " ignores ranges); starting over",
            RedactedUrl.of(ex.uri),
            sink.size());
        sink.restart();
      }
      if (sink.size() == 0) {
        partial.recordValidators(strongEtag(ex.response), header(ex.response, "Last-Modified"));
      } else {
        log.info("resuming {} at byte {} of {}", RedactedUrl.of(uri), sink.size(), total);
      }
      sink.expectTotal(total);
      long length = contentLength(ex.response);
      long received = copy(ex.body(), ex::abort, sink, ex.uri);
      if (length >= 0 && received != length) {
        throw new IOException(
            "received "
                + received
                + " bytes from "
                + RedactedUrl.of(ex.uri)
                + " but Content-Length announced "
                + length
                + " (connection cut short?)");
      }
      if (total >= 0 && sink.size() != total) {
        throw new IOException(
            "have "
                + sink.size()
                + " bytes of "
                + RedactedUrl.of(ex.uri)
                + " but its size is "
                + total);
      }
    }
  }

  /**
   * The version of {@code uri} as its server tells it, for incremental runs: a GET (following and
   * checking redirects as {@link #fetch} does) whose body is dropped unread once the headers are
   * in; the strong ETag, else {@code Last-Modified: <date>}, else null (the server gives no
   * validator: the file cannot be compared and is always downloaded).
   *
   * @throws BadInputException for a client error, a refused host or a redirect loop
   * @throws IOException for transient failures
   */
  String version(URI uri, Runnable heartbeat) throws IOException, InterruptedException {
    return version(uri, heartbeat, false);
  }

  /**
   * The version of {@code uri} as {@link #version} tells it, asked with a HEAD request so that no
   * byte of the body is sent (the download cache's revalidation); a server that refuses HEAD (405
   * or 501) is asked with a GET as {@link #version} does.
   */
  String versionByHead(URI uri, Runnable heartbeat) throws IOException, InterruptedException {
    try {
      return version(uri, heartbeat, true);
    } catch (HeadRefused e) {
      return version(uri, heartbeat, false);
    }
  }

  private String version(URI uri, Runnable heartbeat, boolean head)
      throws IOException, InterruptedException {
    try (CloseableHttpClient client = newClient();
        Exchange ex = open(client, uri, 0, null, heartbeat, head)) {
      int status = ex.response.getCode();
      if (head && (status == 405 || status == 501)) throw new HeadRefused();
      checkStatus(status, ex.describe());
      String etag = strongEtag(ex.response);
      if (etag != null) return "ETag: " + etag;
      String modified = header(ex.response, "Last-Modified");
      return modified == null ? null : "Last-Modified: " + modified;
    }
  }

  /** The server does not answer HEAD requests. */
  private static final class HeadRefused extends IOException {
    HeadRefused() {
      super("HEAD refused");
    }
  }

  private static long startingAtOrClose(Exchange exchange) throws IOException {
    try {
      return startingAt(exchange, 0);
    } catch (IOException | RuntimeException e) {
      exchange.close();
      throw e;
    }
  }

  /**
   * Checks the final response against the resume point.
   *
   * @return the whole file's size, or -1 when unknown
   * @throws RestartException when the bytes do not continue at {@code offset}
   */
  private static long startingAt(Exchange ex, long offset) throws IOException {
    int status = ex.response.getCode();
    if (status == 416 && offset > 0) {
      throw new RestartException("the server cannot serve the range from byte " + offset);
    }
    checkStatus(status, ex.describe());
    if (status == 206) {
      String range = header(ex.response, "Content-Range");
      Matcher m = range == null ? null : CONTENT_RANGE.matcher(range.trim());
      if (m == null || !m.matches()) {
        throw new IOException("HTTP 206 from " + ex.describe() + " without a usable Content-Range");
      }
      if (Long.parseLong(m.group(1)) != offset) {
        throw new RestartException(
            "the server sent a range starting at " + m.group(1) + " instead of " + offset);
      }
      return m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    }
    return contentLength(ex.response);
  }

  private static long contentLength(ClassicHttpResponse response) {
    String value = header(response, "Content-Length");
    if (value == null) return -1;
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Sends the request, following redirects after checking each hop's host. */
  private Exchange open(
      CloseableHttpClient client, URI start, long offset, String validator, Runnable heartbeat)
      throws IOException, InterruptedException {
    return open(client, start, offset, validator, heartbeat, false);
  }

  /** As above, with a HEAD request when {@code head}. */
  private Exchange open(
      CloseableHttpClient client,
      URI start,
      long offset,
      String validator,
      Runnable heartbeat,
      boolean head)
      throws IOException, InterruptedException {
    List<URI> chain = new ArrayList<>();
    URI uri = start;
    while (true) {
      chain.add(uri);
      String host = uri.getHost();
      if (host != null && AddressRange.looksLikeAddress(host)) {
        hosts.check(host, RedactedUrl.of(uri)); // no DNS: the literal is what is connected to
      }
      Exchange exchange = send(client, uri, start, offset, validator, heartbeat, head);
      int status = exchange.response.getCode();
      if (!isRedirect(status)) return exchange;
      exchange.close();
      URI next = redirectTarget(uri, status, header(exchange.response, "Location"), chain);
      if (chain.size() > MAX_REDIRECTS) {
        throw new BadInputException(
            "more than "
                + MAX_REDIRECTS
                + " redirects starting at "
                + RedactedUrl.of(start)
                + ": "
                + describeChain(chain, next));
      }
      uri = next;
    }
  }

  /**
   * One request, with a (redacted) message naming the URL when the connection fails. Waits for the
   * response headers (at most the idle timeout, the client's response timeout) heartbeating through
   * {@code heartbeat}; when the heartbeat throws (cancelled), the request is cancelled and the
   * exception propagates. A host the policy refuses (at resolution) fails with its {@link
   * BadInputException}.
   */
  private Exchange send(
      CloseableHttpClient client,
      URI uri,
      URI start,
      long offset,
      String validator,
      Runnable heartbeat,
      boolean head)
      throws IOException, InterruptedException {
    HttpUriRequestBase request;
    try {
      request = head ? new HttpHead(withoutUserInfo(uri)) : new HttpGet(withoutUserInfo(uri));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "cannot request "
              + describe(start, uri)
              + ": "
              + String.valueOf(e.getMessage()).replace(uri.toString(), RedactedUrl.of(uri)));
    }
    request.setHeader("User-Agent", "locality-download");
    if (offset > 0) {
      request.setHeader("Range", "bytes=" + offset + "-");
      request.setHeader("If-Range", validator);
    }
    current = RedactedUrl.of(uri);
    Runnable heartbeatOrCancel =
        () -> {
          try {
            heartbeat.run();
          } catch (RuntimeException | Error e) {
            request.cancel();
            throw e;
          }
        };
    try {
      ClassicHttpResponse response =
          HeartbeatingWait.call(
              () -> client.executeOpen(null, request, null),
              null, // the client's response timeout (the idle timeout) bounds the wait
              heartbeatOrCancel,
              HttpFetcher::closeQuietly);
      return new Exchange(start, uri, request, response);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no timeout was set", e);
    } catch (ExecutionException failed) {
      IOException e = HeartbeatingWait.rethrow(failed.getCause());
      // the client's messages do not name the URL; the cause is kept for its class only
      throw new IOException(
          "request to "
              + describe(start, uri)
              + " failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage())
              + " (transient; will retry)",
          e);
    }
  }

  /**
   * Where a redirect points: {@code Location} resolved against the URL that sent it, keeping its
   * raw form (the fragment is dropped, nothing else changes).
   *
   * @throws BadInputException for a missing or invalid Location, a target that is not http(s), a
   *     downgrade from https to http, or a URL already in the chain
   */
  static URI redirectTarget(URI from, int status, String location, List<URI> chain) {
    String shownFrom = RedactedUrl.of(from);
    if (location == null || location.isBlank()) {
      throw new BadInputException(
          "HTTP " + status + " redirect without a Location from " + shownFrom);
    }
    URI next;
    try {
      next = withoutFragment(resolve(from, new URI(location.trim())));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new BadInputException(
          "redirect from "
              + shownFrom
              + " to an invalid location '"
              + RedactedUrl.of(location.trim())
              + "'");
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
      throw new BadInputException(
          "redirect from "
              + shownFrom
              + " to '"
              + RedactedUrl.of(next)
              + "', which is not an http(s) URL");
    }
    if (scheme.equals("http") && from.getScheme().equalsIgnoreCase("https")) {
      throw new BadInputException(
          "redirect from "
              + shownFrom
              + " to "
              + RedactedUrl.of(next)
              + " downgrades https to http; refused");
    }
    if (chain.contains(next)) {
      throw new BadInputException(
          "redirect loop starting at "
              + RedactedUrl.of(chain.get(0))
              + ": "
              + describeChain(chain, next));
    }
    return next;
  }

  /**
   * RFC 3986 reference resolution on top of {@link URI#resolve}, which keeps raw forms but differs
   * in two corner cases: a base without a path, and a reference that is only a query string.
   */
  private static URI resolve(URI base, URI reference) {
    if (reference.isAbsolute()) return reference;
    String raw = reference.toString();
    if (raw.startsWith("?") && base.getRawPath() != null) {
      String b = withoutQuery(withoutFragment(base)).toString();
      return URI.create(b + raw);
    }
    if ((base.getRawPath() == null || base.getRawPath().isEmpty()) && !raw.startsWith("//")) {
      String b = withoutQuery(withoutFragment(base)).toString();
      base = URI.create(b + "/");
    }
    return base.resolve(reference);
  }

  /**
   * {@code uri} without its userinfo ({@code user:pass@}), which is never sent (no credentials from
   * URLs) and which the client refuses; the rest stays byte for byte.
   */
  static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) return uri;
    String raw = uri.toString();
    int start = raw.indexOf("//") + 2;
    return URI.create(
        raw.substring(0, start) + raw.substring(start + uri.getRawUserInfo().length() + 1));
  }

  private static URI withoutFragment(URI uri) {
    if (uri.getRawFragment() == null) return uri;
    String raw = uri.toString();
    return URI.create(raw.substring(0, raw.indexOf('#')));
  }

  private static URI withoutQuery(URI uri) {
    if (uri.getRawQuery() == null) return uri;
    String raw = uri.toString();
    return URI.create(raw.substring(0, raw.indexOf('?')));
  }

  private static String describeChain(List<URI> chain, URI next) {
    return chain.stream().map(RedactedUrl::of).collect(Collectors.joining(" -> "))
        + " -> "
        + RedactedUrl.of(next);
  }

  private static String describe(URI start, URI uri) {
    return uri.equals(start)
        ? RedactedUrl.of(uri)
        : RedactedUrl.of(uri) + " (redirected from " + RedactedUrl.of(start) + ")";
  }

  /**
   * Copies {@code body} into the sink; {@code abort} (which drops the connection, so a blocked read
   * fails) is what the stall guard closes.
   */
  private long copy(InputStream body, Closeable abort, DownloadSink sink, URI uri)
      throws IOException {
    byte[] buffer = new byte[Buffers.SIZE];
    long received = 0;
    try (StallGuard guard = StallGuard.start(abort, idleTimeout)) {
      while (true) {
        int n;
        try {
          n = body.read(buffer);
        } catch (IOException e) {
          if (guard.stalled() || e instanceof SocketTimeoutException) {
            throw stalled(uri, received, e);
          }
          throw new IOException(
              "connection to "
                  + RedactedUrl.of(uri)
                  + " failed after "
                  + received
                  + " bytes: "
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : " " + e.getMessage()),
              e);
        }
        if (n == -1) break;
        guard.progressed();
        sink.write(buffer, 0, n);
        received += n;
      }
    }
    return received;
  }

  private IOException stalled(URI uri, long received, IOException cause) {
    return new IOException(
        "no data from "
            + RedactedUrl.of(uri)
            + " for "
            + idleTimeout.toMillis()
            + " ms after "
            + received
            + " bytes (stalled server or network)",
        cause);
  }

  private static String validator(PartialDownload partial) {
    return partial.etag().or(partial::lastModified).orElse(null);
  }

  private static String strongEtag(ClassicHttpResponse response) {
    String etag = header(response, "ETag");
    return etag == null || etag.startsWith("W/") ? null : etag;
  }

  private static String header(ClassicHttpResponse response, String name) {
    Header value = response.getFirstHeader(name);
    return value == null ? null : value.getValue();
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static void checkStatus(int status, String url) throws IOException {
    if (status >= 200 && status < 300) return;
    if (status == 408 || status == 429 || status >= 500) {
      throw new IOException("HTTP " + status + " from " + url + " (transient; will retry)");
    }
    if (status >= 400) {
      throw new BadInputException("HTTP " + status + " from " + url + " (client error)");
    }
    throw new BadInputException("unexpected HTTP status " + status + " from " + url);
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException e) {
      // the connection is discarded either way
    }
  }

  /** The bytes offered do not continue the partial file: start over. */
  private static final class RestartException extends IOException {
    RestartException(String message) {
      super(message);
    }
  }

  /** One response, its request and the URL it came from. */
  private record Exchange(
      URI start, URI uri, HttpUriRequestBase request, ClassicHttpResponse response)
      implements AutoCloseable {
    /** The URL, redacted, and where the redirects started. */
    String describe() {
      return HttpFetcher.describe(start, uri);
    }

    /** The body, empty when the response has none. */
    InputStream body() throws IOException {
      HttpEntity entity = response.getEntity();
      return entity == null ? InputStream.nullInputStream() : entity.getContent();
    }

    /** Drops the connection: a read blocked on it fails. */
    void abort() {
      request.cancel();
    }

    /**
     * Drops the connection and releases the response: closing the body stream itself would read the
     * rest of it (to reuse the connection), however large.
     */
    @Override
    public void close() {
      abort();
      closeQuietly(response);
    }
  }
}
