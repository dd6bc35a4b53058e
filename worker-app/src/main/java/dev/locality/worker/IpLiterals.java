package dev.locality.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Reads the IP address literal of a listen flag ({@code --metrics-address} of the worker, {@code
 * --listen} of {@code locality server}): an IPv4 dotted quad ({@code 127.0.0.1}, {@code 0.0.0.0})
 * or an IPv6 literal with or without brackets ({@code ::1}, {@code [::]}). A host name is refused
 * rather than resolved: which interface a server listens on must not depend on DNS. Stateless,
 * thread-safe.
 */
public final class IpLiterals {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** Hex digits, colons and dots (an embedded IPv4), with at least one colon. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

  private IpLiterals() {}

  /**
   * The address {@code text} (surrounding blanks ignored) denotes, without any DNS lookup.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not an IP address literal (the
   *     message suggests 127.0.0.1 and 0.0.0.0)
   */
  public static InetAddress parse(String text) {
    String literal = text.strip();
    if (literal.startsWith("[") && literal.endsWith("]") && literal.length() > 2) {
      literal = literal.substring(1, literal.length() - 1);
      if (!IPV6.matcher(literal).matches()) throw notAnAddress(text);
    } else if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
      throw notAnAddress(text);
    }
    try {
      // a dotted quad or a string with a colon is parsed as a literal, never looked up
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
    }
  }

  private static IllegalArgumentException notAnAddress(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not an IP address (127.0.0.1 for this host only, 0.0.0.0 for all)");
  }
}
