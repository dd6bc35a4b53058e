package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.Progress;
import dev.locality.stage.runtime.HeartbeatChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FirstHeartbeatDelayTest {
  private final List<Progress> sent = new ArrayList<>();
  private final HeartbeatChannel recording =
      new HeartbeatChannel() {
        @Override
        public void heartbeat(Progress progress) {
          sent.add(progress);
        }

        @Override
        public Optional<Progress> previous() {
          return Optional.of(Progress.rows(7));
        }
      };
  private long now = 1_000;

  @Test
  void heartbeatsWithinTheDelayAreHeldAndLaterOnesAllSent() {
    FirstHeartbeatDelay channel =
        new FirstHeartbeatDelay(recording, Duration.ofNanos(500), () -> now);
    channel.heartbeat(Progress.rows(0));
    now += 499;
    channel.heartbeat(Progress.rows(1));
    assertThat(sent).isEmpty();
    now += 1;
    channel.heartbeat(Progress.rows(2));
    channel.heartbeat(Progress.rows(3));
    assertThat(sent).containsExactly(Progress.rows(2), Progress.rows(3));
  }

  @Test
  void thePreviousAttemptsProgressPassesThrough() {
    FirstHeartbeatDelay channel =
        new FirstHeartbeatDelay(recording, Duration.ofSeconds(1), () -> now);
    assertThat(channel.previous()).contains(Progress.rows(7));
  }

  @Test
  void theDelayIsAtMostAFifthOfTheHeartbeatTimeout() {
    assertThat(FirstHeartbeatDelay.delay(Duration.ofSeconds(30)))
        .isEqualTo(FirstHeartbeatDelay.DELAY);
    assertThat(FirstHeartbeatDelay.delay(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(200));
    assertThat(FirstHeartbeatDelay.delay(Duration.ZERO)).isEqualTo(FirstHeartbeatDelay.DELAY);
    assertThat(FirstHeartbeatDelay.delay(null)).isEqualTo(FirstHeartbeatDelay.DELAY);
  }
}
