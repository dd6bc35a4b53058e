package dev.locality.activities.stages.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The IPv4 address an IPv6 address carries when a translator or tunnel turns it into IPv4 traffic:
 * NAT64 ({@code 64:ff9b::/96}, RFC 6052, and the local-use {@code 64:ff9b:1::/48}, RFC 8215: the
 * last 32 bits), 6to4 ({@code 2002::/16}, RFC 3056: bits 16 to 48) and IPv4-compatible ({@code
 * ::a.b.c.d}). A download policy judges that IPv4 address as well, since {@code 64:ff9b::a9fe:a9fe}
 * reaches {@code 169.254.169.254} through a NAT64 gateway. IPv4-mapped addresses ({@code
 * ::ffff:a.b.c.d}) need nothing here: Java already parses them as IPv4. Stateless.
 */
final class EmbeddedIpv4 {
  private static final byte[] NAT64_WELL_KNOWN = {0x00, 0x64, (byte) 0xff, (byte) 0x9b};

  private EmbeddedIpv4() {}

  /** The embedded IPv4 address, if {@code address} is an IPv6 form that carries one. */
  static Optional<InetAddress> of(InetAddress address) {
    if (!(address instanceof Inet6Address)) return Optional.empty();
    byte[] b = address.getAddress();
    if (startsWith(b, NAT64_WELL_KNOWN)) {
      boolean wellKnown = allZero(b, 4, 12);
      boolean localUse = b[4] == 0 && b[5] == 1; // 64:ff9b:1::/48
      if (wellKnown || localUse) return v4(b, 12);
    }
    if (b[0] == 0x20 && b[1] == 0x02) return v4(b, 2); // 2002:AABB:CCDD::/48
    if (allZero(b, 0, 12) && !allZero(b, 12, 16) && !isLoopbackTail(b)) return v4(b, 12);
    return Optional.empty();
  }

  private static boolean isLoopbackTail(byte[] b) {
    return b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 1; // ::1 is IPv6 loopback
  }

  private static Optional<InetAddress> v4(byte[] b, int from) {
    try {
      return Optional.of(
          (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4)));
    } catch (UnknownHostException e) {
      return Optional.empty(); // four bytes are always a valid address
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
    return true;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) if (b[i] != 0) return false;
    return true;
  }
}
