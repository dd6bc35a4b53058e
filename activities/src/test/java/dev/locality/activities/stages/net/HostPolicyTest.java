package dev.locality.activities.stages.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.activities.stages.download.DownloadStage;
import dev.locality.stage.BadInputException;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPolicyTest {
  /** Names resolve through this table only: no test touches real DNS. */
  private static final Map<String, String> DNS =
      Map.of(
          "files.example.org", "93.184.216.34",
          "rebound.example.org", "169.254.169.254",
          "intranet.corp", "10.1.2.3",
          "dual.example.org", "93.184.216.35");

  private static HostPolicy policy(String allow, String deny) {
    return HostPolicy.of(
            allow == null ? List.of() : HostPolicy.ALLOW.parse(allow),
            deny == null ? List.of() : HostPolicy.DENY.parse(deny))
        .withResolver(HostPolicyTest::resolve);
  }

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    String address = DNS.get(host);
    if (address == null) throw new UnknownHostException(host);
    if (host.equals("dual.example.org")) {
      return new InetAddress[] {
        InetAddress.getByName(address), InetAddress.getByName("169.254.10.10")
      };
    }
    return new InetAddress[] {InetAddress.getByName(address)};
  }

  private static void assertRefused(HostPolicy policy, String host, String... fragments) {
    assertThatThrownBy(() -> policy.check(host, "http://" + host + "/x"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("host '" + host + "'")
        .hasMessageContaining("http://" + host + "/x")
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
  }

  @Test
  void publicHostsPassByDefault() {
    assertThatCode(() -> policy(null, null).check("files.example.org", "u"))
        .doesNotThrowAnyException();
    assertThatCode(() -> policy(null, null).check("127.0.0.1", "u")).doesNotThrowAnyException();
  }

  @Test
  void metadataAndLinkLocalAddressesAreRefusedByDefault() {
    HostPolicy p = policy(null, null);
    assertRefused(p, "169.254.169.254", "169.254.0.0/16");
    assertRefused(p, "[fd00:ec2::254]", "fd00:ec2::254");
    assertRefused(p, "[fe80::1]", "fe80::/10");
    assertRefused(p, "[::ffff:169.254.169.254]", "169.254.0.0/16");
    assertRefused(p, "metadata.google.internal", "cloud metadata service");
    assertRefused(p, "METADATA.google.internal.", "cloud metadata service");
  }

  @Test
  void thisHostAndOtherMetadataAddressesAreRefusedByDefault() {
    HostPolicy p = policy(null, null);
    assertRefused(p, "0.0.0.0", "0.0.0.0/8");
    assertRefused(p, "0.1.2.3", "0.0.0.0/8");
    assertRefused(p, "[::]", "::/128");
    assertRefused(p, "100.100.100.200", "100.100.100.200/32");
    assertRefused(p, "[fec0::1]", "fec0::/10");
    assertThatCode(() -> p.check("100.100.100.201", "u")).doesNotThrowAnyException();
  }

  @Test
  void anIpv6AddressCarryingAnIpv4AddressIsJudgedAsThatAddressToo() throws IOException {
    HostPolicy p = policy(null, null);
    assertRefused(p, "[64:ff9b::a9fe:a9fe]", "169.254.169.254", "169.254.0.0/16");
    assertRefused(p, "[64:ff9b:1::a9fe:a9fe]", "169.254.169.254");
    assertRefused(p, "[2002:a9fe:a9fe::1]", "169.254.169.254");
    assertRefused(p, "[::a9fe:a9fe]", "169.254.169.254");
    assertRefused(p, "[64:ff9b::0:0]", "0.0.0.0/8");
    assertRefused(p, "[64:ff9b::6464:64c8]", "100.100.100.200");
    HostPolicy denyPrivate = policy(null, "10.0.0.0/8");
    assertRefused(denyPrivate, "[64:ff9b::a00:1]", "10.0.0.1", HostPolicy.DENY.name());
    p.check("[64:ff9b::5db8:d822]", "u"); // 93.184.216.34, a public address
    p.check("[::1]", "u"); // IPv6 loopback is not an embedded IPv4 address
    policy("169.254.169.254/32,64:ff9b::/96", null).check("[64:ff9b::a9fe:a9fe]", "u");
  }

  @Test
  void everyResolvedAddressIsChecked() {
    assertRefused(policy(null, null), "rebound.example.org", "resolves to 169.254.169.254");
    assertRefused(policy(null, null), "dual.example.org", "resolves to 169.254.10.10");
  }

  @Test
  void denyEntriesMatchNamesSuffixesAndCidrs() {
    HostPolicy p = policy(null, "files.example.org, *.corp 192.168.0.0/16,::1");
    assertRefused(p, "files.example.org", "'files.example.org'", HostPolicy.DENY.name());
    assertRefused(p, "intranet.corp", "'*.corp'");
    assertRefused(p, "192.168.7.9", "192.168.0.0/16");
    assertRefused(p, "[::1]", "'::1'");
    assertThatCode(() -> p.check("127.0.0.1", "u")).doesNotThrowAnyException();
  }

  @Test
  void anAllowListAdmitsOnlyItsEntries() throws IOException {
    HostPolicy p = policy("*.example.org,10.0.0.0/8", null);
    p.check("files.example.org", "u");
    p.check("intranet.corp", "u"); // 10.1.2.3 lies in an allowed block
    assertRefused(p, "127.0.0.1", HostPolicy.ALLOW.name());
  }

  @Test
  void onlyAnExplicitAddressEntryLiftsTheDefaultRefusal() throws IOException {
    assertRefused(policy("rebound.example.org", null), "rebound.example.org", "169.254.169.254");
    policy("169.254.169.254/32", null).check("rebound.example.org", "u");
  }

  @Test
  void denyWinsOverAllow() {
    assertRefused(policy("10.0.0.0/8", "10.1.0.0/16"), "10.1.2.3", "10.1.0.0/16");
  }

  @Test
  void unresolvableNamesAreTransient() {
    assertThatThrownBy(() -> policy(null, null).check("nowhere.invalid", "http://nowhere.invalid/"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nowhere.invalid");
  }

  @Test
  void malformedSettingsNameTheSetting() {
    List<DownloadStage> stages = List.of(new DownloadStage());
    assertThatThrownBy(
            () -> WorkerSettingValues.check(Map.of("downloadDenyHosts", "10.0.0.0/33"), stages))
        .isInstanceOf(InvalidWorkerSettingsException.class)
        .hasMessageContaining("worker setting downloadDenyHosts: ")
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(
            () -> WorkerSettingValues.check(Map.of("downloadAllowHosts", "http://x/"), stages))
        .isInstanceOf(InvalidWorkerSettingsException.class)
        .hasMessageContaining("worker setting downloadAllowHosts: ")
        .hasMessageContaining("'http://x/'");
  }

  @Test
  void addressRangesCompareOnlyThePrefix() throws Exception {
    AddressRange range = AddressRange.parse("172.16.0.0/12");
    assertThat(range.contains(InetAddress.getByName("172.31.255.255"))).isTrue();
    assertThat(range.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
    assertThat(range.contains(InetAddress.getByName("::1"))).isFalse();
    assertThat(AddressRange.parse("fd00::/8").contains(InetAddress.getByName("fd12::1"))).isTrue();
  }
}
