package dev.locality.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class EmbeddedTemporalTest {
  @Test
  void listensOnLoopbackAndAnswersItsClient() throws Exception {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      assertThat(temporal.address()).isEqualTo("127.0.0.1:" + temporal.port());
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), temporal.port())) {
        assertThat(socket.isConnected()).isTrue();
      }
      GetSystemInfoResponse info =
          temporal
              .client()
              .getWorkflowServiceStubs()
              .blockingStub()
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      assertThat(info.hasCapabilities()).isTrue();
    }
  }
}
