package dev.locality.workflows.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
  private final FailoverPolicy policy =
      FailoverPolicy.of(3, Duration.ofSeconds(5), SessionOptions.newBuilder().build());

  @Test
  void theFirstFailoverAfterALostWorkerSkipsTheBackoff() {
    assertThat(policy.backsOffAfter(1, true)).isFalse();
  }

  @Test
  void laterFailoversAndWorkersThatFailedTheWorkKeepTheBackoff() {
    assertThat(policy.backsOffAfter(2, true)).isTrue();
    assertThat(policy.backsOffAfter(1, false)).isTrue();
    assertThat(policy.backsOffAfter(2, false)).isTrue();
  }
}
