package dev.locality.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalConnectorTest {
  @TempDir Path dir;

  @Test
  void temporalAddressWinsOverALocalServer() throws Exception {
    TemporalConnector connector =
        new TemporalConnector(env("TEMPORAL_ADDRESS", "temporal.example:7233"), () -> true);

    assertThat(connector.mode()).isEqualTo(TemporalConnector.Mode.CONFIGURED);
  }

  @Test
  void aProfileAddressFromTheConfigFileCounts() throws Exception {
    Path toml = dir.resolve("temporal.toml");
    Files.writeString(toml, "[profile.default]\naddress = \"10.0.0.5:7233\"\n");
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_CONFIG_FILE", toml.toString());

    assertThat(new TemporalConnector(env, () -> false).mode())
        .isEqualTo(TemporalConnector.Mode.CONFIGURED);
  }

  @Test
  void aListeningLocalServerIsUsedWhenNothingIsConfigured() throws Exception {
    assertThat(new TemporalConnector(env(), () -> true).mode())
        .isEqualTo(TemporalConnector.Mode.LOCAL);
  }

  @Test
  void otherwiseTheEmbeddedDefault() throws Exception {
    assertThat(new TemporalConnector(env(), () -> false).mode())
        .isEqualTo(TemporalConnector.Mode.EMBEDDED);
  }

  @Test
  void commandsThatCannotEmbedFailWithAnActionableMessage() {
    TemporalConnector connector = new TemporalConnector(env(), () -> false);

    assertThatThrownBy(() -> connector.connect())
        .isInstanceOf(TemporalConnector.NoServerException.class)
        .hasMessageContaining("TEMPORAL_ADDRESS")
        .hasMessageContaining("127.0.0.1:7233")
        .hasMessageContaining("locality server");
  }

  @Test
  void portProbeSeesAListener() throws Exception {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(Ports.isListening("127.0.0.1", socket.getLocalPort(), 500)).isTrue();
    }
    int closed = Ports.freeLoopbackPort();
    assertThat(Ports.isListening("127.0.0.1", closed, 500)).isFalse();
  }

  private Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_CONFIG_FILE", dir.resolve("none.toml").toString());
    for (int i = 0; i < keyValues.length; i += 2) env.put(keyValues[i], keyValues[i + 1]);
    return env;
  }
}
