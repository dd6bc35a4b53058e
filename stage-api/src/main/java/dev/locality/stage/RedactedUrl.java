package dev.locality.stage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL as it may be printed: in an exception message, a log line, progress or a result. The
 * userinfo is replaced by {@code ***} ({@code http://user:pass@host/x} → {@code
 * http://***@host/x}), the query string by {@code ***} ({@code ?X-Amz-Signature=…} → {@code ?***})
 * and so is a fragment ({@code #***}); scheme, host, port and path are kept as written, percent
 * encoding untouched.
 *
 * <p>Works on the text, so it also redacts strings that are not valid URLs (a malformed {@code url}
 * option, a {@code Location} header). Never use the result to fetch anything. {@link #inText}
 * redacts every URL inside free text (an exception message from a library, a plugin stage's
 * message): the worker applies it to every failure before it leaves for Temporal. Stateless and
 * thread-safe.
 */
public final class RedactedUrl {
  /** What replaces a secret part. */
  public static final String MASK = "***";

  /**
   * A URL inside text: {@code scheme://…} or {@code //…} (a scheme-relative reference), a path
   * ({@code /…}) that carries a query string or fragment, or any word followed by a query string
   * ({@code x?name=…}); it ends at white space, a quote or an angle bracket. Matches start only
   * where a token starts, so a long token costs linear time.
   */
  private static final Pattern URL_IN_TEXT =
      Pattern.compile(
          "(?:\\b[A-Za-z][A-Za-z0-9+.-]*:)?//[^\\s\"'<>`]+"
              + "|(?<![^\\s\"'(=:\\[<])/[^\\s\"'<>`?#]*[?#][^\\s\"'<>`]+"
              + "|(?<![^\\s\"'(=:\\[<])[^\\s\"'<>`?]++\\?[A-Za-z0-9_.%-]+=[^\\s\"'<>`]*");

  /** Punctuation that ends a sentence rather than a URL, kept when it ends a match. */
  private static final String TRAILING = ".,;:)]}!";

  private RedactedUrl() {}

  /**
   * {@code text} with every URL in it {@linkplain #of(String) redacted}: {@code "GET
   * http://u:p@h/x?sig=1 failed"} → {@code "GET http://***@h/x?*** failed"}. A URL ends at white
   * space, a quote or an angle bracket; punctuation that ends it ({@code .,;:)]}!}) is kept as
   * text. Text without a URL comes back unchanged; {@code null} stays {@code null}.
   */
  public static String inText(String text) {
    if (text == null || (text.indexOf('/') < 0 && text.indexOf('?') < 0)) return text;
    Matcher m = URL_IN_TEXT.matcher(text);
    StringBuilder out = null;
    int copied = 0;
    while (m.find()) {
      int end = m.end();
      while (end > m.start() + 1 && TRAILING.indexOf(text.charAt(end - 1)) >= 0) end--;
      String url = text.substring(m.start(), end);
      String shown = of(url);
      if (shown.equals(url)) continue;
      if (out == null) out = new StringBuilder(text.length());
      out.append(text, copied, m.start()).append(shown);
      copied = end;
    }
    if (out == null) return text;
    return out.append(text, copied, text.length()).toString();
  }

  /** {@code uri} without its userinfo, query and fragment; {@code "null"} for null. */
  public static String of(URI uri) {
    return uri == null ? "null" : of(uri.toString());
  }

  /** {@code url} without its userinfo, query and fragment; {@code "null"} for null. */
  public static String of(String url) {
    if (url == null) return "null";
    try {
      URI uri = new URI(url);
      // an '@' in the path may end a password that holds a '/': redact as text
      if (uri.getRawAuthority() != null
          && (uri.getRawPath() == null || uri.getRawPath().indexOf('@') < 0))
        return hierarchical(uri);
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
