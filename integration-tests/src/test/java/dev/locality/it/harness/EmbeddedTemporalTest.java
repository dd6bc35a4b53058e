package dev.locality.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import org.junit.jupiter.api.Test;

class EmbeddedTemporalTest {
  @Test
  // Temporal's TestServer binds every interface (it takes no bind address); what the harness
  // promises is the loopback address it hands to workers and the CLI, and that it answers there.
  void answersItsClientOnTheLoopbackAddressItAdvertises() throws Exception {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      assertThat(temporal.address()).isEqualTo("127.0.0.1:" + temporal.port());
      GetSystemInfoResponse info =
          temporal
              .client()
              .getWorkflowServiceStubs()
              .blockingStub()
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      assertThat(info.hasCapabilities()).isTrue();
      assertThat(info.getCapabilities().getSignalAndQueryHeader()).isTrue();
    }
  }
}
