package dev.locality.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The development server listens where it is told and nowhere else. Only addresses of this machine
 * are ever contacted.
 */
class LocalTemporalServerTest {
  @Test
  void onLoopbackItServesThisHostAndRefusesTheMachinesOtherAddresses() throws Exception {
    try (LocalTemporalServer server =
        LocalTemporalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      assertThat(answersTemporal("127.0.0.1:" + server.port())).isTrue();
      InetAddress external = nonLoopbackAddress().orElse(null);
      assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
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
  void onEveryInterfaceWhenAskedTo() throws Exception {
    InetAddress external = nonLoopbackAddress().orElse(null);
    assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
    try (LocalTemporalServer server =
        LocalTemporalServer.start(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
      assertThat(answersTemporal(external.getHostAddress() + ":" + server.port())).isTrue();
    }
  }

  private static boolean answersTemporal(String target) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      return stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()) != null;
    } finally {
      stubs.shutdownNow();
    }
  }

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
