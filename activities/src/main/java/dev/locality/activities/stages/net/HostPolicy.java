package dev.locality.activities.stages.net;

import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which hosts a download may connect to, from the worker settings {@code downloadAllowHosts} and
 * {@code downloadDenyHosts}. Guards the worker's network neighbourhood against pipeline specs
 * (server- side request forgery): a spec's URL, and every redirect target, is checked before
 * connecting.
 *
 * <p>Each setting is a list separated by commas or spaces of host names ({@code example.org}),
 * domain suffixes ({@code *.example.org} or {@code .example.org}: any subdomain), IP addresses and
 * CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). A host is refused when
 *
 * <ol>
 *   <li>its name, or any address it resolves to, matches {@code downloadDenyHosts};
 *   <li>{@code downloadAllowHosts} is set and neither its name matches an entry nor every address
 *       it resolves to lies in an allowed block;
 *   <li>it is a cloud metadata service ({@code metadata.google.internal}, {@code 169.254.169.254},
 *       {@code 100.100.100.200}, {@code fd00:ec2::254}) or resolves to a link-local address ({@code
 *       169.254.0.0/16}, {@code fe80::/10}), a "this host" address ({@code 0.0.0.0/8}, {@code ::})
 *       or a site-local IPv6 address ({@code fec0::/10}), unless an IP or CIDR entry of {@code
 *       downloadAllowHosts} explicitly covers the address. Host names in the allow list never lift
 *       this default.
 * </ol>
 *
 * <p>An IPv6 address that carries an IPv4 address (NAT64 {@code 64:ff9b::/96}, 6to4, IPv4-
 * compatible; see {@link EmbeddedIpv4}) is judged as that IPv4 address too, by the deny list and
 * the defaults: {@code 64:ff9b::a9fe:a9fe} is refused like {@code 169.254.169.254}.
 *
 * <p>Loopback and private networks are allowed unless denied: add {@code
 * 127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,::1,fc00::/7} to {@code downloadDenyHosts} on
 * workers that must not reach them. <b>DNS rebinding</b> (a name that resolves to an allowed
 * address when checked and to a refused one when the client connects) is closed by resolving once:
 * {@link #checkedAddresses} returns the checked addresses and the download connects to one of them,
 * never resolving the name again (the HTTP client's DNS resolver is this method), while TLS SNI,
 * the certificate check and the {@code Host} header keep the name. What the policy cannot see (a
 * proxy in between, a host that forwards requests itself) still needs a network egress policy.
 * Immutable and thread-safe.
 */
public final class HostPolicy {
  /** Host names, {@code *.domain} suffixes, IPs and CIDRs, separated by commas or spaces. */
  private static final OptionType<List<String>> HOST_LIST =
      OptionType.simple(
          "list<host>",
          raw -> {
            List<String> entries = new ArrayList<>();
            for (String item : OptionType.COMMA_LIST.convert(raw))
              for (String entry : item.split("\\s+")) if (!entry.isBlank()) entries.add(entry);
            return List.copyOf(entries);
          });

  /** Worker setting: when set, downloads may reach only these hosts. */
  public static final SettingSpec<List<String>> ALLOW =
      SettingSpec.builder("downloadAllowHosts", HOST_LIST)
          .description(
              "Host names, *.domains, IPs and CIDRs downloads may reach; unset means any host"
                  + " outside the denied ones")
          .defaultValue(List.of())
          .defaultText("any")
          .validator(entries -> Entries.problem(entries))
          .build();

  /** Worker setting: downloads never reach these hosts (on top of the built-in denials). */
  public static final SettingSpec<List<String>> DENY =
      SettingSpec.builder("downloadDenyHosts", HOST_LIST)
          .description(
              "Host names, *.domains, IPs and CIDRs downloads must not reach, on top of the"
                  + " cloud metadata and link-local addresses always refused")
          .defaultValue(List.of())
          .defaultText("none")
          .validator(entries -> Entries.problem(entries))
          .build();

  /**
   * Refused unless an IP or CIDR entry of {@code downloadAllowHosts} covers the address: link-local
   * (where cloud metadata services live), "this network" ({@code 0.0.0.0/8} and {@code ::}, which
   * connect to the local host), the metadata addresses outside link-local ({@code 100.100.100.200}
   * of Alibaba Cloud, {@code fd00:ec2::254} of AWS over IPv6) and site-local IPv6 ({@code
   * fec0::/10}, deprecated, still routed inside some networks).
   */
  private static final List<AddressRange> DEFAULT_DENIED_RANGES =
      List.of(
          AddressRange.parse("169.254.0.0/16"),
          AddressRange.parse("0.0.0.0/8"),
          AddressRange.parse("100.100.100.200/32"),
          AddressRange.parse("fe80::/10"),
          AddressRange.parse("fec0::/10"),
          AddressRange.parse("::/128"),
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

  /** The policy configured by the worker settings a stage attempt sees. */
  public static HostPolicy fromSettings(StageContext context) {
    return of(context.setting(ALLOW), context.setting(DENY));
  }

  /**
   * The policy with these allow and deny entries.
   *
   * @throws IllegalArgumentException when an entry is malformed
   */
  public static HostPolicy of(List<String> allow, List<String> deny) {
    return new HostPolicy(
        Entries.parse(ALLOW.name(), allow),
        Entries.parse(DENY.name(), deny),
        InetAddress::getAllByName);
  }

  /** The same policy resolving names with {@code resolver}. */
  public HostPolicy withResolver(Resolver resolver) {
    return new HostPolicy(allow, deny, resolver);
  }

  /**
   * Checks that a download may connect to {@code host}. Resolves the name itself; a connection that
   * resolves it again may reach another address (DNS rebinding): connect through {@link
   * #checkedAddresses} instead.
   *
   * @param host a host name or IP literal (IPv6 with or without brackets)
   * @param url the URL being fetched, for messages
   * @throws BadInputException naming the host and the rule that refused it
   * @throws IOException when the name does not resolve (retryable: DNS may recover)
   */
  public void check(String host, String url) throws IOException {
    checkedAddresses(host, url);
  }

  /**
   * Resolves {@code host} once, checks the name and every address it resolves to, and returns those
   * addresses: the only ones a download may then connect to. Connecting to exactly these (rather
   * than resolving the name again) closes DNS rebinding, a DNS answer that changes between the
   * check and the connection. TLS SNI, certificate checks and the {@code Host} header still use the
   * name.
   *
   * @param host a host name or IP literal (IPv6 with or without brackets)
   * @param url the URL being fetched, for messages
   * @return the resolved addresses, all allowed; never empty
   * @throws BadInputException naming the host and the rule that refused it
   * @throws IOException when the name does not resolve (retryable: DNS may recover)
   */
  public List<InetAddress> checkedAddresses(String host, String url) throws IOException {
    String name = normalize(host);
    Optional<String> deniedName = deny.matchingName(name);
    if (deniedName.isPresent()) {
      throw refused(
          host, url, "it matches '" + deniedName.get() + "' in worker setting " + DENY.name());
    }
    if (DEFAULT_DENIED_NAMES.contains(name)) {
      throw refused(host, url, "it is a cloud metadata service, which downloads may never reach");
    }
    List<InetAddress> resolved = resolve(name, url);
    List<InetAddress> addresses = withEmbeddedIpv4(resolved);
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
                + DENY.name());
      }
    }
    if (!allow.isEmpty() && allow.matchingName(name).isEmpty()) {
      for (InetAddress address : resolved) {
        if (allow.matchingRange(address).isEmpty()) {
          throw refused(
              host,
              url,
              "it"
                  + (AddressRange.looksLikeAddress(name)
                      ? ""
                      : " resolves to " + address.getHostAddress() + ", which")
                  + " is not listed in worker setting "
                  + ALLOW.name());
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
                  + ", a link-local, local-host or cloud metadata address ("
                  + range
                  + ") refused by default; allow it explicitly with an IP entry in worker setting "
                  + ALLOW.name());
        }
      }
    }
    return resolved;
  }

  /**
   * The addresses plus the IPv4 address each NAT64, 6to4 or IPv4-compatible IPv6 address carries
   * ({@link EmbeddedIpv4}): every rule judges both, so {@code 64:ff9b::a9fe:a9fe} is refused like
   * {@code 169.254.169.254}.
   */
  private static List<InetAddress> withEmbeddedIpv4(List<InetAddress> addresses) {
    List<InetAddress> all = new ArrayList<>(addresses);
    for (InetAddress address : addresses) EmbeddedIpv4.of(address).ifPresent(all::add);
    return all;
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
    /** What is wrong with the entries, or null. */
    static String problem(List<String> entries) {
      try {
        parse("", entries);
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }

    static Entries parse(String setting, List<String> entries) {
      List<String> names = new ArrayList<>();
      List<String> suffixes = new ArrayList<>();
      List<AddressRange> ranges = new ArrayList<>();
      for (String raw : entries) {
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
          throw new IllegalArgumentException(
              setting.isEmpty() ? e.getMessage() : setting + ": " + e.getMessage(), e);
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
