package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's connection settings really reach the wire: a gRPC server with a self-signed TLS
 * certificate records the headers of whatever call arrives (and answers UNIMPLEMENTED), and the
 * worker's stubs, configured only through TEMPORAL_* variables, call it.
 */
class TemporalClientSetupTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path tmp;

  private final AtomicReference<Metadata> received = new AtomicReference<>();
  private Server server;
  private String caPem;
  private WorkflowServiceStubs stubs;

  @BeforeEach
  void startTlsServer() throws Exception {
    Path keystore = tmp.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    caPem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(ks.getCertificate("server").getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(kmf)).build())
            .fallbackHandlerRegistry(new RecordingRegistry())
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    if (stubs != null) {
      stubs.shutdownNow();
      stubs.awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private StatusRuntimeException call(Map<String, String> env) {
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            TemporalClientSetup.stubsOptions(TemporalClientSetup.profile(env), null));
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            stubs
                .blockingStub()
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()));
  }

  @Test
  void tlsWithTheConfiguredCaApiKeyAndMetadataReachTheServer() {
    StatusRuntimeException e =
        call(
            Map.of(
                "TEMPORAL_ADDRESS",
                "127.0.0.1:" + server.getPort(),
                "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
                caPem,
                "TEMPORAL_API_KEY",
                "k-123",
                "TEMPORAL_GRPC_META_X_TENANT",
                "acme"));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED); // handshake passed
    Metadata headers = received.get();
    assertThat(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("Bearer k-123");
    assertThat(headers.get(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("acme");
  }

  @Test
  void withoutTheCaTheSelfSignedServerIsRefused() {
    StatusRuntimeException e =
        call(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + server.getPort(), "TEMPORAL_TLS", "true"));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(received.get()).isNull();
  }

  /** Accepts any method: records the headers, answers UNIMPLEMENTED. */
  private final class RecordingRegistry extends HandlerRegistry {
    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(MethodDescriptor.MethodType.UNKNOWN)
              .setFullMethodName(methodName)
              .setRequestMarshaller(Bytes.INSTANCE)
              .setResponseMarshaller(Bytes.INSTANCE)
              .build();
      ServerCallHandler<byte[], byte[]> handler =
          (call, headers) -> {
            received.set(headers);
            call.close(Status.UNIMPLEMENTED.withDescription("recording server"), new Metadata());
            return new ServerCall.Listener<>() {};
          };
      return ServerMethodDefinition.create(method, handler);
    }
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
