package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private static final Readiness UNREACHABLE =
      new Readiness(
          List.of(
              new Readiness.Reason(
                  "temporal-unreachable",
                  "not connected to Temporal at temporal.internal:7233: UNAVAILABLE (io"
                      + " exception)"),
              new Readiness.Reason("disk-low", "free disk 1 GiB is below the minimum 20 GiB")));

  @Test
  void listensOnLoopbackOnlyByDefault() throws Exception {
    WorkerConfiguration config =
        WorkerConfiguration.resolve(Map.of("--metrics-port", "0"), Map.of(), Map.of());
    assertThat(config.metricsAddress().isLoopbackAddress()).isTrue();
    InetAddress external = nonLoopbackAddress().orElse(null);
    assumeTrue(external != null, "this machine has no non-loopback IPv4 address");

    try (HealthServer server =
        HealthServer.start(
            new InetSocketAddress(config.metricsAddress(), 0),
            () -> new Readiness(List.of()),
            () -> "")) {
      try (Socket local = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        assertThat(local.isConnected()).isTrue();
      }
      assertThatThrownBy(
              () -> {
                try (Socket remote = new Socket()) {
                  remote.connect(new InetSocketAddress(external, server.port()), 2000);
                }
              })
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void anExplicitAddressOfAllInterfacesIsReachableFromOutsideLoopback() throws Exception {
    WorkerConfiguration config =
        WorkerConfiguration.resolve(
            Map.of("--metrics-port", "0"), Map.of(), Map.of("LOCALITY_METRICS_ADDRESS", "0.0.0.0"));
    assertThat(config.metricsAddress().isAnyLocalAddress()).isTrue();
    InetAddress external = nonLoopbackAddress().orElse(null);
    assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
    try (HealthServer server =
            HealthServer.start(
                new InetSocketAddress(config.metricsAddress(), 0),
                () -> new Readiness(List.of()),
                () -> "");
        Socket remote = new Socket()) {
      remote.connect(new InetSocketAddress(external, server.port()), 2000);
      assertThat(remote.isConnected()).isTrue();
    }
  }

  @Test
  void aHostNameIsNotAnAddressToListenOn() {
    WorkerConfiguration config =
        WorkerConfiguration.resolve(
            Map.of("--metrics-address", "metrics.example.org"), Map.of(), Map.of());
    assertThat(config.problems())
        .singleElement()
        .asString()
        .startsWith("metrics-address (from --metrics-address): 'metrics.example.org' is not an IP");
  }

  @Test
  void readyzServesReasonCodesOnlyNeverTheDetails() throws Exception {
    AtomicReference<Readiness> state = new AtomicReference<>(UNREACHABLE);
    try (HealthServer server =
        HealthServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), state::get, () -> "")) {
      HttpResponse<String> notReady = get(server, "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready\ntemporal-unreachable\ndisk-low\n");
      assertThat(notReady.body()).doesNotContain("temporal.internal").doesNotContain("GiB");

      state.set(new Readiness(List.of()));
      HttpResponse<String> ready = get(server, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ready\n");
    }
  }

  private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** An IPv4 address of this machine outside loopback: only this machine is ever contacted. */
  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isUp() || nic.isLoopback()) continue;
      Optional<InetAddress> v4 =
          nic.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
      if (v4.isPresent()) return v4;
    }
    return Optional.empty();
  }
}
