package dev.locality.api.converter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that encrypts Temporal payloads ({@link AesGcmPayloadCodec}), read from the file
 * {@value #ENV} names. The file holds the 32 key bytes, either raw (a file of exactly 32 bytes) or
 * Base64-encoded on one line ({@code head -c 32 /dev/urandom | base64 > payload.key}). Its {@link
 * #id()} (the first 8 bytes of the key's SHA-256, in hex) is written next to every encrypted
 * payload, so a process with another key says which key a payload needs instead of failing
 * obscurely; the id reveals nothing usable about the key. Immutable.
 */
public final class PayloadKey {
  /** The environment variable naming the key file, read by the worker and the CLI alike. */
  public static final String ENV = "LOCALITY_PAYLOAD_KEY_FILE";

  private static final int KEY_BYTES = 32;

  private final SecretKey key;
  private final String id;

  private PayloadKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "AES");
    this.id = idOf(bytes);
  }

  /**
   * Reads the key in {@code file}.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no 32-byte key
   *     (raw or Base64)
   */
  public static PayloadKey read(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          ENV + ": cannot read the payload key file " + file + ": " + e, e);
    }
    if (content.length == KEY_BYTES) return new PayloadKey(content);
    String text = new String(content, StandardCharsets.US_ASCII).strip();
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      decoded = null;
    }
    Arrays.fill(content, (byte) 0);
    if (decoded == null || decoded.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          ENV
              + ": "
              + file
              + " holds no AES-256 key: write 32 random bytes, raw or Base64 on one line"
              + " (head -c 32 /dev/urandom | base64 > "
              + file.getFileName()
              + ")");
    }
    return new PayloadKey(decoded);
  }

  /** The key {@code env} names ({@value #ENV}), or null when it names none. */
  public static PayloadKey fromEnvironment(java.util.Map<String, String> env) {
    String file = env.get(ENV);
    if (file == null || file.isBlank()) return null;
    return read(Path.of(file.strip()));
  }

  /** A key from its 32 bytes (tests). */
  public static PayloadKey of(byte[] bytes) {
    if (bytes.length != KEY_BYTES) throw new IllegalArgumentException("an AES-256 key is 32 bytes");
    return new PayloadKey(bytes.clone());
  }

  /** The key's public identifier: 16 hex digits of its SHA-256. */
  public String id() {
    return id;
  }

  SecretKey secretKey() {
    return key;
  }

  private static String idOf(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "PayloadKey[id=" + id + "]"; // never the key
  }
}
