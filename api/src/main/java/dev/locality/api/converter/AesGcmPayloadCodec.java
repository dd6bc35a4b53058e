package dev.locality.api.converter;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every Temporal payload (workflow and activity inputs and results, heartbeat details,
 * signals, queries, memo, failure details) with AES-256-GCM before it leaves the process, so the
 * Temporal server and its history hold no spec, URL or result in clear. Each payload is the
 * serialized original payload encrypted under a fresh 96-bit random nonce with a 128-bit tag; its
 * metadata says {@code encoding: binary/encrypted}, the cipher, and the {@linkplain PayloadKey#id
 * key id}. A payload without that encoding is passed through on decode (history written before the
 * key was set).
 *
 * <p>Errors name what to do: a payload encrypted with another key ({@code encrypted with key id X,
 * but LOCALITY_PAYLOAD_KEY_FILE holds key id Y}), a corrupt payload, or (see {@link #withoutKey()})
 * an encrypted payload reaching a process that has no key. Thread-safe.
 */
public final class AesGcmPayloadCodec implements PayloadCodec {
  /** The {@code encoding} of an encrypted payload. */
  public static final String ENCODING = "binary/encrypted";

  /** Metadata key holding the id of the key a payload is encrypted with. */
  public static final String KEY_ID = "encryption-key-id";

  /** Metadata key naming the cipher. */
  public static final String CIPHER = "encryption-cipher";

  private static final String CIPHER_NAME = "AES256-GCM";
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);

  private final PayloadKey key;
  private final SecureRandom random = new SecureRandom();

  private AesGcmPayloadCodec(PayloadKey key) {
    this.key = key;
  }

  /** Encrypts with {@code key} and decrypts what it encrypted. */
  public static AesGcmPayloadCodec with(PayloadKey key) {
    return new AesGcmPayloadCodec(java.util.Objects.requireNonNull(key, "key"));
  }

  /**
   * Encrypts nothing; refuses an encrypted payload with a message naming {@value PayloadKey#ENV}
   * and the key id it needs (instead of the converter's "unknown encoding").
   */
  public static AesGcmPayloadCodec withoutKey() {
    return new AesGcmPayloadCodec(null);
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    if (key == null) return payloads;
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) out.add(encrypt(p));
    return out;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) out.add(isEncrypted(p) ? decrypt(p) : p);
    return out;
  }

  private static boolean isEncrypted(Payload p) {
    return ENCODING_BYTES.equals(p.getMetadataMap().get("encoding"));
  }

  private Payload encrypt(Payload plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(key.id().getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(plain.toByteArray());
      ByteBuffer data = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
      return Payload.newBuilder()
          .putMetadata("encoding", ENCODING_BYTES)
          .putMetadata(CIPHER, ByteString.copyFromUtf8(CIPHER_NAME))
          .putMetadata(KEY_ID, ByteString.copyFromUtf8(key.id()))
          .setData(ByteString.copyFrom(data.array()))
          .build();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("could not encrypt a payload: " + e, e);
    }
  }

  private Payload decrypt(Payload encrypted) {
    ByteString idBytes = encrypted.getMetadataMap().get(KEY_ID);
    String id = idBytes == null ? "(none)" : idBytes.toStringUtf8();
    if (key == null) {
      throw new UndecodablePayloadException(
          "a payload is encrypted (key id "
              + id
              + ") but this process has no payload key: set "
              + PayloadKey.ENV
              + " to the file holding that key");
    }
    if (!key.id().equals(id)) {
      throw new UndecodablePayloadException(
          "a payload is encrypted with key id "
              + id
              + ", but "
              + PayloadKey.ENV
              + " holds key id "
              + key.id()
              + ": give this process the key the payload was written with");
    }
    byte[] data = encrypted.getData().toByteArray();
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UndecodablePayloadException(
          "an encrypted payload is truncated (" + data.length + " B)");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.secretKey(),
          new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      cipher.updateAAD(key.id().getBytes(StandardCharsets.US_ASCII));
      byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
      return Payload.parseFrom(plain);
    } catch (AEADBadTagException e) {
      throw new UndecodablePayloadException(
          "an encrypted payload (key id " + id + ") failed authentication: it was altered", e);
    } catch (InvalidProtocolBufferException e) {
      throw new UndecodablePayloadException("a decrypted payload is not a Temporal payload", e);
    } catch (GeneralSecurityException e) {
      throw new UndecodablePayloadException("could not decrypt a payload: " + e, e);
    }
  }
}
