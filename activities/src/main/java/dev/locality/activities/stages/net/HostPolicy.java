package dev.locality.activities.stages.net;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which hosts a download may connect to, from the worker settings {@value #ALLOW_SETTING} and
 * {@value #DENY_SETTING}. Guards the worker's network neighbourhood against pipeline specs (server-
 * side request forgery): a spec's URL, and every redirect target, is checked before connecting.
 *
 * <p>Each setting is a list separated by commas or spaces of host names ({@code example.org}),
 * domain suffixes ({@code *.example.org} or {@code .example.org}: any subdomain), IP addresses and
 * CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). A host is refused when
 *
 * <ol>
 *   <li>its name, or any address it resolves to, matches {@value #DENY_SETTING};
 *   <li>{@value #ALLOW_SETTING} is set and neither its name matches an entry nor every address it
 *       resolves to lies in an allowed block;
 *   <li>it is a cloud metadata service ({@code metadata.google.internal}, {@code 169.254.169.254},
 *       {@code fd00:ec2::254}) or resolves to a link-local address ({@code 169.254.0.0/16}, {@code
 *       fe80::/10}), unless an IP or CIDR entry of {@value #ALLOW_SETTING} explicitly covers the
 *       address. Host names in the allow list never lift this default.
 * </ol>
 *
 * <p>Loopback and private networks are allowed unless denied: add {@code
 * 127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,::1,fc00::/7} to {@value #DENY_SETTING} on
 * workers that must not reach them. The check resolves the host itself just before the request; a
 * name whose DNS answer changes between the check and the connection (DNS rebinding) is not caught,
 * so hard guarantees still need a network egress policy. Immutable and thread-safe.
 */
public final class HostPolicy {
  public static final String ALLOW_SETTING = "downloadAllowHosts";
  public static final String DENY_SETTING = "downloadDenyHosts";

  private static final List<AddressRange> DEFAULT_DENIED_RANGES =
      List.of(
          AddressRange.parse("169.254.0.0/16"),
          AddressRange.parse("fe80::/10"),
          AddressRange.parse("fd00:ec2::254"));
  private static final List<String> DEFAULT_DENIED_NAMES =
      List.of("metadata.google.internal", "metadata.goog", "metadata");

  /** Resolves host names to addresses; replaceable in tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final Entries allow;
  private final Entries deny;
  private final Resolver resolver;

  private HostPolicy(Entries allow, Entries deny, Resolver resolver) {
    this.allow = allow;
    this.deny = deny;
    this.resolver = resolver;
  }

  /**
   * The policy configured by the worker settings.
   *
   * @throws IllegalStateException naming the setting when an entry is malformed (a worker
   *     misconfiguration)
   */
  public static HostPolicy fromSettings(Function<String, Optional<String>> settings) {
    return new HostPolicy(
        Entries.parse(ALLOW_SETTING, settings.apply(ALLOW_SETTING)),
        Entries.parse(DENY_SETTING, settings.apply(DENY_SETTING)),
        InetAddress::getAllByName);
  }

  /** The same policy resolving names with {@code resolver}. */
  public HostPolicy withResolver(Resolver resolver) {
    return new HostPolicy(allow, deny, resolver);
  }

  /**
   * Checks that a download may connect to {@code host}.
   *
   * @param host a host name or IP literal (IPv6 with or without brackets)
   * @param url the URL being fetched, for messages
   * @throws BadInputException naming the host and the rule that refused it
   * @throws IOException when the name does not resolve (retryable: DNS may recover)
   */
  public void check(String host, String url) throws IOException {
    String name = normalize(host);
    Optional<String> deniedName = deny.matchingName(name);
    if (deniedName.isPresent()) {
      throw refused(
          host, url, "it matches '" + deniedName.get() + "' in worker setting " + DENY_SETTING);
    }
    if (DEFAULT_DENIED_NAMES.contains(name)) {
      throw refused(host, url, "it is a cloud metadata service, which downloads may never reach");
    }
    List<InetAddress> addresses = resolve(name, url);
    for (InetAddress address : addresses) {
      Optional<AddressRange> range = deny.matchingRange(address);
      if (range.isPresent()) {
        throw refused(
            host,
            url,
            "it resolves to "
                + address.getHostAddress()
                + ", in '"
                + range.get()
                + "' of worker setting "
                + DENY_SETTING);
      }
    }
    if (!allow.isEmpty() && allow.matchingName(name).isEmpty()) {
      for (InetAddress address : addresses) {
        if (allow.matchingRange(address).isEmpty()) {
          throw refused(
              host,
              url,
              "it"
                  + (AddressRange.looksLikeAddress(name)
                      ? ""
                      : " resolves to " + address.getHostAddress() + ", which")
                  + " is not listed in worker setting "
                  + ALLOW_SETTING);
        }
      }
    }
    for (InetAddress address : addresses) {
      for (AddressRange range : DEFAULT_DENIED_RANGES) {
        if (range.contains(address) && allow.matchingRange(address).isEmpty()) {
          throw refused(
              host,
              url,
              "it resolves to "
                  + address.getHostAddress()
                  + ", a link-local or cloud metadata address ("
                  + range
                  + ") refused by default; allow it explicitly with an IP entry in worker setting "
                  + ALLOW_SETTING);
        }
      }
    }
  }

  private List<InetAddress> resolve(String name, String url) throws IOException {
    if (AddressRange.looksLikeAddress(name)) {
      try {
        return List.of(AddressRange.literal(name, name));
      } catch (IllegalArgumentException e) {
        throw new BadInputException("invalid IP address '" + name + "' in " + url, e);
      }
    }
    try {
      InetAddress[] resolved = resolver.resolve(name);
      if (resolved == null || resolved.length == 0) throw new UnknownHostException(name);
      return Arrays.asList(resolved);
    } catch (UnknownHostException e) {
      throw new IOException("cannot resolve host '" + name + "' of " + url + " (DNS)", e);
    }
  }

  private static BadInputException refused(String host, String url, String reason) {
    return new BadInputException("host '" + host + "' of " + url + " is refused: " + reason);
  }

  static String normalize(String host) {
    String h = AddressRange.stripBrackets(host.trim()).toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  @Override
  public String toString() {
    return "allow " + allow + ", deny " + deny;
  }

  /** One setting's entries: names, domain suffixes and address ranges. */
  private record Entries(List<String> names, List<String> suffixes, List<AddressRange> ranges) {
    static Entries parse(String setting, Optional<String> value) {
      List<String> names = new ArrayList<>();
      List<String> suffixes = new ArrayList<>();
      List<AddressRange> ranges = new ArrayList<>();
      for (String raw : value.orElse("").split("[,\\s]+")) {
        String entry = raw.trim();
        if (entry.isEmpty()) continue;
        try {
          if (AddressRange.looksLikeAddress(entry)) {
            ranges.add(AddressRange.parse(entry));
          } else if (entry.startsWith("*.") || entry.startsWith(".")) {
            suffixes.add(normalize(entry.substring(entry.indexOf('.'))));
          } else if (entry.matches("[A-Za-z0-9_.-]+")) {
            names.add(normalize(entry));
          } else {
            throw new IllegalArgumentException(
                "'" + entry + "' is neither a host name, a *.domain suffix nor an IP/CIDR");
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("worker setting " + setting + ": " + e.getMessage(), e);
        }
      }
      return new Entries(List.copyOf(names), List.copyOf(suffixes), List.copyOf(ranges));
    }

    boolean isEmpty() {
      return names.isEmpty() && suffixes.isEmpty() && ranges.isEmpty();
    }

    Optional<String> matchingName(String host) {
      if (names.contains(host)) return Optional.of(host);
      return suffixes.stream().filter(host::endsWith).findFirst().map(s -> "*" + s);
    }

    Optional<AddressRange> matchingRange(InetAddress address) {
      return ranges.stream().filter(r -> r.contains(address)).findFirst();
    }

    @Override
    public String toString() {
      List<String> all = new ArrayList<>(names);
      suffixes.forEach(s -> all.add("*" + s));
      ranges.forEach(r -> all.add(r.toString()));
      return all.isEmpty() ? "(none)" : String.join(",", all);
    }
  }
}
