package dev.locality.activities.stages.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fe80::/10}) or a single
 * address ({@code 169.254.169.254}, {@code fd00:ec2::254}). Immutable and thread-safe.
 */
public final class AddressRange {
  private final String text;
  private final byte[] network;
  private final int prefixBits;

  private AddressRange(String text, byte[] network, int prefixBits) {
    this.text = text;
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /** Whether {@code text} looks like an IP literal or CIDR rather than a host name. */
  public static boolean looksLikeAddress(String text) {
    String t = stripBrackets(text);
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    return address.contains(":") || address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /**
   * Parses {@code a.b.c.d/n}, {@code ipv6/n} or a single address.
   *
   * @throws IllegalArgumentException when the text is not an address or the prefix is out of range
   */
  public static AddressRange parse(String text) {
    String t = stripBrackets(text.trim());
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    if (!looksLikeAddress(address)) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
    }
    byte[] bytes = literal(address, text).getAddress();
    int max = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has an invalid prefix length", e);
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(
          "'" + text + "': prefix length must be between 0 and " + max);
    }
    return new AddressRange(text.trim().toLowerCase(Locale.ROOT), mask(bytes, prefix), prefix);
  }

  /** Whether {@code address} lies in this range (IPv4 and IPv6 ranges never match each other). */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) return false;
    return java.util.Arrays.equals(mask(bytes, prefixBits), network);
  }

  @Override
  public String toString() {
    return text;
  }

  /** Parses an IP literal without any DNS lookup. */
  static InetAddress literal(String address, String context) {
    if (!looksLikeAddress(address)) {
      throw new IllegalArgumentException("'" + context + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(stripBrackets(address)); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + context + "' is not a valid IP address", e);
    }
  }

  static String stripBrackets(String text) {
    return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
  }

  private static byte[] mask(byte[] bytes, int prefixBits) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefixBits - i * 8));
      out[i] = (byte) (out[i] & (0xFF << (8 - bitsHere)));
    }
    return out;
  }
}
