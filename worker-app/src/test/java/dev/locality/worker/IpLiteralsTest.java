package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {
  @Test
  void readsIpv4AndIpv6LiteralsWithOrWithoutBrackets() throws Exception {
    assertThat(IpLiterals.parse("127.0.0.1")).isEqualTo(InetAddress.getLoopbackAddress());
    assertThat(IpLiterals.parse(" 0.0.0.0 ").isAnyLocalAddress()).isTrue();
    assertThat(IpLiterals.parse("::1").isLoopbackAddress()).isTrue();
    assertThat(IpLiterals.parse("[::]").isAnyLocalAddress()).isTrue();
    assertThat(IpLiterals.parse("::ffff:10.0.0.1").getHostAddress()).isEqualTo("10.0.0.1");
  }

  /** Names made of hex digits ("cafe") or malformed quads would be DNS lookups: refused instead. */
  @ParameterizedTest
  @ValueSource(
      strings = {"metrics.example.org", "cafe", "beef", "999.1.1.1", "1.2.3", "", "[]", "[cafe]"})
  void refusesAnythingButALiteralWithoutLookingItUp(String text) {
    assertThatThrownBy(() -> IpLiterals.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not an IP address");
  }
}
