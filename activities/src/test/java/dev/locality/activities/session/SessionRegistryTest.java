package dev.locality.activities.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
  private static OpenSession session(String id) {
    return new OpenSession(id, "wf-" + id, Path.of("/tmp", id), Instant.now());
  }

  @Test
  void tracksOpenSessions() {
    SessionRegistry registry = new SessionRegistry();
    registry.register(session("a"));
    registry.register(session("b"));

    assertThat(registry.size()).isEqualTo(2);
    assertThat(registry.find("a")).get().extracting(OpenSession::workflowId).isEqualTo("wf-a");
    assertThat(registry.unregister("a")).isTrue();
    assertThat(registry.unregister("a")).isFalse();
    assertThat(registry.find("a")).isEmpty();
    assertThat(registry.all()).extracting(OpenSession::sessionId).containsExactly("b");
  }

  @Test
  void rejectsASessionThatIsAlreadyOpen() {
    SessionRegistry registry = new SessionRegistry();
    registry.register(session("a"));
    assertThatThrownBy(() -> registry.register(session("a")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already open");
  }

  @Test
  void awaitEmptyReturnsWhenTheLastSessionCloses() throws Exception {
    SessionRegistry registry = new SessionRegistry();
    registry.register(session("a"));
    assertThat(registry.awaitEmpty(Duration.ofMillis(50))).isFalse();

    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return registry.awaitEmpty(Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    registry.unregister("a");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
