package dev.locality.activities.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionRegistryFenceTest {
  private final SessionRegistry registry = new SessionRegistry();

  private void open(String id) {
    registry.register(new OpenSession(id, "wf", Path.of("/tmp", id), Instant.now()));
  }

  @Test
  void anUnfencedSessionIsHeldWhileRegistered() {
    open("s1");
    assertThat(registry.isHeld("s1")).isTrue();
    registry.unregister("s1");
    assertThat(registry.isHeld("s1")).isFalse();
  }

  @Test
  void aFencedSessionIsHeldOnlyWithinTheWindowAfterAConfirmation() {
    open("s1");
    registry.fence("s1", Duration.ZERO);
    assertThat(registry.isHeld("s1")).as("window already over").isFalse();
    registry.fence("s1", Duration.ofMinutes(1));
    registry.confirmLease("s1");
    assertThat(registry.isHeld("s1")).isTrue();
  }

  @Test
  void aLostSessionStaysLostEvenIfConfirmedLater() {
    open("s1");
    registry.fence("s1", Duration.ofMinutes(1));
    registry.markLost("s1");
    registry.confirmLease("s1");
    assertThat(registry.isHeld("s1")).isFalse();
  }
}
