package dev.locality.activities.stages.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.locality.activities.stages.net.HostPolicy;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding: the download connects to the address the host policy checked, resolving a name
 * once. Names resolve through a test resolver; the only address ever connected to is the test's
 * server on 127.0.0.1 (a regression that resolved the name again through the system's DNS would
 * fail to resolve these names, not reach another host).
 */
class DownloadRebindingTest {
  private static final byte[] BODY = "id\n1\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private HttpServer server;
  private final List<String> hostHeaders = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/data.csv",
        ex -> {
          hostHeaders.add(ex.getRequestHeaders().getFirst("Host"));
          ex.sendResponseHeaders(200, BODY.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(BODY);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** Answers the checked loopback address first, a refused one on every later lookup. */
  private static final class RebindingResolver implements HostPolicy.Resolver {
    final AtomicInteger lookups = new AtomicInteger();

    @Override
    public InetAddress[] resolve(String host) throws java.net.UnknownHostException {
      InetAddress loopback = InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
      InetAddress metadata =
          InetAddress.getByAddress(
              host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
      return new InetAddress[] {lookups.incrementAndGet() == 1 ? loopback : metadata};
    }
  }

  private String url(String host) {
    return "http://" + host + ":" + server.getAddress().getPort() + "/data.csv";
  }

  @Test
  void theConnectionGoesToTheCheckedAddressWhateverALaterLookupAnswers() throws Exception {
    RebindingResolver resolver = new RebindingResolver();

    var run =
        StageTestRunner.of(new DownloadStage(null, resolver), tmp)
            .option("url", url("rebind.example"))
            .run();

    assertThat(run.outputNames()).containsExactly("data.csv");
    assertThat(run.outputs().get(0).bytes()).isEqualTo(BODY.length);
    assertThat(resolver.lookups).hasValue(1); // resolved once: by the check, for the connection
    assertThat(hostHeaders).containsExactly("rebind.example:" + server.getAddress().getPort());
  }

  @Test
  void aNameResolvingToADeniedAddressIsRefusedBeforeAnyConnection() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    HostPolicy.Resolver toLoopback =
        host -> {
          lookups.incrementAndGet();
          return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        };

    var error =
        StageTestRunner.of(new DownloadStage(null, toLoopback), tmp)
            .option("url", url("internal.example"))
            .workerSetting("downloadDenyHosts", "127.0.0.0/8")
            .runExpectingBadInput();

    assertThat(error)
        .hasMessageContaining("host 'internal.example'")
        .hasMessageContaining("resolves to 127.0.0.1")
        .hasMessageContaining("downloadDenyHosts");
    assertThat(lookups).hasValue(1);
    assertThat(hostHeaders).isEmpty();
  }

  @Test
  void aNameWhoseFirstAnswerIsAMetadataAddressIsRefusedBeforeAnyConnection() throws Exception {
    RebindingResolver resolver = new RebindingResolver();
    resolver.lookups.set(1); // every answer is 169.254.169.254 from now on

    var error =
        StageTestRunner.of(new DownloadStage(null, resolver), tmp)
            .option("url", url("metadata-alias.example"))
            .runExpectingBadInput();

    assertThat(error)
        .hasMessageContaining("host 'metadata-alias.example'")
        .hasMessageContaining("169.254.169.254");
    assertThat(resolver.lookups).hasValue(2);
    assertThat(hostHeaders).isEmpty();
  }
}
