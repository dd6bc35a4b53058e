package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.locality.api.converter.AesGcmPayloadCodec;
import dev.locality.api.converter.PayloadKey;
import dev.locality.api.converter.UndecodablePayloadException;
import dev.locality.it.harness.NodeScripts;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js payload codec ({@code integration-tests/src/test/node/locality-codec.mjs}, the one
 * the README tells TypeScript users to copy) against the workers' {@link AesGcmPayloadCodec} and
 * {@link PayloadKey}, without a Temporal server: Java encrypts and Node decrypts, Node encrypts and
 * Java decrypts, both compute the same key id from the same key files and refuse the same bad ones,
 * and a wrong or missing key is named the same way. Each direction runs {@code node
 * codec-cross-check.mjs} on payload files. Skipped without Node.js locally, failed in CI.
 */
class LocalityCodecCompatibilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "{\"url\":\"http://user:S3CRETMARK@h/x?sig=S3CRETMARK\"}";

  @TempDir Path tmp;

  @BeforeAll
  static void node() throws Exception {
    NodeScripts.require();
  }

  private static byte[] keyBytes(int seed) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (seed * 31 + i * 7);
    return bytes;
  }

  private Path keyFile(String name, byte[] content) throws Exception {
    return Files.write(tmp.resolve(name), content);
  }

  private Path base64KeyFile(String name, int seed) throws Exception {
    String line = Base64.getEncoder().encodeToString(keyBytes(seed)) + "\n";
    return keyFile(name, line.getBytes(StandardCharsets.US_ASCII));
  }

  private static Payload plain() {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(SECRET))
        .build();
  }

  private static JsonNode node(String... args) throws Exception {
    NodeScripts.Result result = NodeScripts.node(Map.of(), 30, args);
    assertThat(result.exit()).as("node: %s", result.output()).isZero();
    return JSON.readTree(result.lastLine());
  }

  @Test
  void bothSidesReadTheSameKeyFilesToTheSameIdAndRefuseTheSameBadOnes() throws Exception {
    Map<String, byte[]> good =
        Map.of(
            "raw.key", keyBytes(1),
            "b64.key", (Base64.getEncoder().encodeToString(keyBytes(2)) + "\n").getBytes(),
            "nopad.key",
                (" " + Base64.getEncoder().withoutPadding().encodeToString(keyBytes(3)) + "\r\n")
                    .getBytes());
    for (Map.Entry<String, byte[]> e : good.entrySet()) {
      Path file = keyFile(e.getKey(), e.getValue());
      assertThat(node("codec-cross-check.mjs", "key-id", file.toString()).path("id").asText())
          .as(e.getKey())
          .isEqualTo(PayloadKey.read(file).id());
    }
    String b64 = Base64.getEncoder().encodeToString(keyBytes(4));
    List<byte[]> bad =
        List.of(
            "not a key\n".getBytes(),
            Base64.getEncoder().encodeToString(new byte[31]).getBytes(), // 31 bytes
            Base64.getEncoder().encodeToString(new byte[33]).getBytes(), // 33 bytes
            (b64.substring(0, 20) + "\n" + b64.substring(20)).getBytes(), // two lines
            ("-" + b64.substring(1)).getBytes(), // URL-safe alphabet: Java's decoder refuses it
            new byte[0]);
    for (int i = 0; i < bad.size(); i++) {
      Path file = keyFile("bad-" + i + ".key", bad.get(i));
      assertThatThrownBy(() -> PayloadKey.read(file))
          .as("Java, bad key %d", i)
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(node("codec-cross-check.mjs", "key-id", file.toString()).path("message").asText())
          .as("Node, bad key %d", i)
          .contains("holds no AES-256 key");
    }
  }

  @Test
  void javaEncryptsAndNodeDecrypts() throws Exception {
    Path key = base64KeyFile("k.key", 5);
    Payload encrypted =
        AesGcmPayloadCodec.with(PayloadKey.read(key)).encode(List.of(plain())).get(0);
    Path file = Files.write(tmp.resolve("java.bin"), encrypted.toByteArray());

    JsonNode decoded =
        node("codec-cross-check.mjs", "decode", key.toString(), file.toString()).path("payload");

    assertThat(decoded.path("metadata").path("encoding").asText()).isEqualTo("json/plain");
    assertThat(Base64.getDecoder().decode(decoded.path("data").asText()))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo(SECRET);
  }

  @Test
  void nodeEncryptsAndJavaDecrypts() throws Exception {
    Path key = keyFile("raw.key", keyBytes(6));
    PayloadKey javaKey = PayloadKey.read(key);
    Path in = Files.write(tmp.resolve("plain.bin"), plain().toByteArray());
    Path out = tmp.resolve("node.bin");

    node("codec-cross-check.mjs", "encode", key.toString(), in.toString(), out.toString());
    Payload encrypted = Payload.parseFrom(Files.readAllBytes(out));

    assertThat(encrypted.getMetadataMap())
        .containsEntry("encoding", ByteString.copyFromUtf8(AesGcmPayloadCodec.ENCODING))
        .containsEntry(AesGcmPayloadCodec.CIPHER, ByteString.copyFromUtf8("AES256-GCM"))
        .containsEntry(AesGcmPayloadCodec.KEY_ID, ByteString.copyFromUtf8(javaKey.id()))
        .hasSize(3);
    assertThat(encrypted.getData().size()).isEqualTo(12 + plain().getSerializedSize() + 16);
    assertThat(encrypted.getData().toStringUtf8()).doesNotContain("S3CRETMARK");
    assertThat(AesGcmPayloadCodec.with(javaKey).decode(List.of(encrypted)))
        .containsExactly(plain());
    assertThatThrownBy(
            () -> AesGcmPayloadCodec.with(PayloadKey.of(keyBytes(7))).decode(List.of(encrypted)))
        .isInstanceOf(UndecodablePayloadException.class)
        .hasMessageContaining("encrypted with key id " + javaKey.id());
  }

  @Test
  void aWrongOrMissingKeyIsNamedAsJavaNamesIt() throws Exception {
    Path key = base64KeyFile("right.key", 8);
    Path other = base64KeyFile("other.key", 9);
    PayloadKey right = PayloadKey.read(key);
    Payload encrypted = AesGcmPayloadCodec.with(right).encode(List.of(plain())).get(0);
    Path file = Files.write(tmp.resolve("java.bin"), encrypted.toByteArray());
    Path clear = Files.write(tmp.resolve("clear.bin"), plain().toByteArray());

    String javaOther = messageOf(AesGcmPayloadCodec.with(PayloadKey.read(other)), encrypted);
    String javaNone = messageOf(AesGcmPayloadCodec.withoutKey(), encrypted);

    assertThat(node("codec-cross-check.mjs", "decode", other.toString(), file.toString()))
        .isEqualTo(
            JSON.createObjectNode().put("error", "LocalityCodecError").put("message", javaOther));
    assertThat(javaOther)
        .contains(right.id())
        .contains(PayloadKey.read(other).id()); // both ids, the same words on both sides
    assertThat(node("codec-cross-check.mjs", "decode", "-", file.toString()))
        .isEqualTo(
            JSON.createObjectNode().put("error", "LocalityCodecError").put("message", javaNone));
    // a payload in clear passes through, as in Java (history written before the key was set)
    assertThat(
            node("codec-cross-check.mjs", "decode", key.toString(), clear.toString())
                .path("payload")
                .path("metadata")
                .path("encoding")
                .asText())
        .isEqualTo("json/plain");
  }

  private static String messageOf(AesGcmPayloadCodec codec, Payload encrypted) {
    try {
      codec.decode(List.of(encrypted));
    } catch (UndecodablePayloadException e) {
      return e.getMessage();
    }
    throw new AssertionError("decoded without the right key");
  }
}
