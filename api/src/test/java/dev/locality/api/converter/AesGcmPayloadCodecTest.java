package dev.locality.api.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesGcmPayloadCodecTest {
  private static final String SECRET = "http://user:S3CRETMARK@h/x?sig=S3CRETMARK";

  @TempDir Path tmp;

  private static PayloadKey key(int fill) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) fill);
    return PayloadKey.of(bytes);
  }

  private static Payloads encode(DataConverter converter, Object value) {
    return converter.toPayloads(value).orElseThrow();
  }

  @Test
  void payloadsAreEncryptedWithTheKeyIdAndReadBack() {
    DataConverter converter = LocalityDataConverter.create(key(1));

    Payloads encoded = encode(converter, Map.of("url", SECRET));

    Payload payload = encoded.getPayloads(0);
    assertThat(payload.getData().toStringUtf8()).doesNotContain("S3CRETMARK");
    assertThat(payload.toString()).doesNotContain("S3CRETMARK").doesNotContain("json/plain");
    assertThat(payload.getMetadataMap().get("encoding").toStringUtf8())
        .isEqualTo(AesGcmPayloadCodec.ENCODING);
    assertThat(payload.getMetadataMap().get(AesGcmPayloadCodec.KEY_ID).toStringUtf8())
        .isEqualTo(key(1).id())
        .hasSize(16);
    assertThat(converter.fromPayloads(0, Optional.of(encoded), Map.class, Map.class))
        .isEqualTo(Map.of("url", SECRET));
    // a fresh nonce each time: equal values do not give equal ciphertexts
    assertThat(encode(converter, Map.of("url", SECRET)).getPayloads(0).getData())
        .isNotEqualTo(payload.getData());
  }

  @Test
  void aWrongKeyIsNamedByBothIds() {
    Payloads encoded = encode(LocalityDataConverter.create(key(1)), "x");

    assertThatThrownBy(
            () ->
                LocalityDataConverter.create(key(2))
                    .fromPayloads(0, Optional.of(encoded), String.class, String.class))
        .hasStackTraceContaining(UndecodablePayloadException.class.getSimpleName())
        .hasStackTraceContaining("encrypted with key id " + key(1).id())
        .hasStackTraceContaining("LOCALITY_PAYLOAD_KEY_FILE holds key id " + key(2).id());
  }

  @Test
  void aProcessWithoutAKeyIsToldToSetOne() {
    Payloads encoded = encode(LocalityDataConverter.create(key(1)), "x");

    assertThatThrownBy(
            () ->
                LocalityDataConverter.create()
                    .fromPayloads(0, Optional.of(encoded), String.class, String.class))
        .hasStackTraceContaining("has no payload key: set LOCALITY_PAYLOAD_KEY_FILE")
        .hasStackTraceContaining(key(1).id());
  }

  @Test
  void anAlteredPayloadFailsAuthentication() {
    Payload payload = encode(LocalityDataConverter.create(key(1)), "x").getPayloads(0);
    byte[] data = payload.getData().toByteArray();
    data[data.length - 1] ^= 1;
    Payload altered =
        payload.toBuilder().setData(com.google.protobuf.ByteString.copyFrom(data)).build();

    assertThatThrownBy(() -> AesGcmPayloadCodec.with(key(1)).decode(java.util.List.of(altered)))
        .isInstanceOf(UndecodablePayloadException.class)
        .hasMessageContaining("failed authentication");
  }

  @Test
  void clearPayloadsAreReadByAProcessWithAKey() {
    Payloads clear = encode(LocalityDataConverter.create(), "written before the key");

    assertThat(clear.getPayloads(0).getData().toStringUtf8()).contains("written before the key");
    assertThat(
            LocalityDataConverter.create(key(1))
                .fromPayloads(0, Optional.of(clear), String.class, String.class))
        .isEqualTo("written before the key");
  }

  @Test
  void keyFilesHoldRawOrBase64Bytes() throws Exception {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) 7);
    Path raw = Files.write(tmp.resolve("raw.key"), bytes);
    Path base64 =
        Files.writeString(tmp.resolve("b64.key"), Base64.getEncoder().encodeToString(bytes) + "\n");

    assertThat(PayloadKey.read(raw).id()).isEqualTo(key(7).id());
    assertThat(PayloadKey.read(base64).id()).isEqualTo(key(7).id());
    assertThat(PayloadKey.read(raw).toString())
        .doesNotContain(Base64.getEncoder().encodeToString(bytes));
    assertThat(PayloadKey.fromEnvironment(Map.of())).isNull();
    assertThat(PayloadKey.fromEnvironment(Map.of(PayloadKey.ENV, raw.toString())).id())
        .isEqualTo(key(7).id());
  }

  @Test
  void aBadKeyFileIsAClearError() throws Exception {
    Path shortKey =
        Files.writeString(tmp.resolve("short.key"), "c2hvcnQ=", StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> PayloadKey.read(shortKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LOCALITY_PAYLOAD_KEY_FILE")
        .hasMessageContaining("holds no AES-256 key");
    assertThatThrownBy(() -> PayloadKey.read(tmp.resolve("missing.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the payload key file");
  }
}
