package dev.locality.activities.stages.internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A URL as it may be printed: in an exception message, a log line, progress or a result. The
 * userinfo is replaced by {@code ***} ({@code http://user:pass@host/x} → {@code
 * http://***@host/x}), the query string by {@code ***} ({@code ?X-Amz-Signature=…} → {@code ?***})
 * and so is a fragment ({@code #***}); scheme, host, port and path are kept as written, percent
 * encoding untouched.
 *
 * <p>Works on the text, so it also redacts strings that are not valid URLs (a malformed {@code url}
 * option, a {@code Location} header). Never use the result to fetch anything. Stateless and
 * thread-safe.
 */
public final class RedactedUrl {
  /** What replaces a secret part. */
  public static final String MASK = "***";

  private RedactedUrl() {}

  /** {@code uri} without its userinfo, query and fragment; {@code "null"} for null. */
  public static String of(URI uri) {
    return uri == null ? "null" : of(uri.toString());
  }

  /** {@code url} without its userinfo, query and fragment; {@code "null"} for null. */
  public static String of(String url) {
    if (url == null) return "null";
    try {
      URI uri = new URI(url);
      if (uri.getRawAuthority() != null) return hierarchical(uri);
    } catch (URISyntaxException e) {
      // not a valid URL: redact the text as conservatively as possible
    }
    return text(url);
  }

  private static String hierarchical(URI uri) {
    StringBuilder out = new StringBuilder();
    if (uri.getScheme() != null) out.append(uri.getScheme()).append(':');
    out.append("//");
    String authority = uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    if (at >= 0) out.append(MASK).append(authority, at, authority.length());
    else out.append(authority);
    if (uri.getRawPath() != null) out.append(uri.getRawPath());
    if (uri.getRawQuery() != null) out.append('?').append(MASK);
    if (uri.getRawFragment() != null) out.append('#').append(MASK);
    return out.toString();
  }

  /**
   * Redacts text that does not parse: everything before the last {@code @} ahead of the first
   * {@code ?} or {@code #} counts as userinfo (a path with an {@code @} loses its host, never a
   * password with a {@code /}).
   */
  private static String text(String url) {
    int fragment = url.indexOf('#');
    int query = url.indexOf('?');
    if (fragment >= 0 && query > fragment) query = -1;
    int end = query >= 0 ? query : fragment >= 0 ? fragment : url.length();
    StringBuilder out = new StringBuilder(url.length());
    int slashes = url.indexOf("//");
    int at = url.lastIndexOf('@', end - 1);
    if (slashes >= 0 && at > slashes) {
      out.append(url, 0, slashes + 2).append(MASK).append(url, at, end);
    } else if (at >= 0 && slashes < 0) {
      out.append(MASK).append(url, at, end);
    } else {
      out.append(url, 0, end);
    }
    if (query >= 0) out.append('?').append(MASK);
    if (fragment >= 0) out.append('#').append(MASK);
    return out.toString();
  }
}
