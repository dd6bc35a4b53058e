package dev.locality.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@link SecretsRedactionIT}'s pipelines with payload encryption on: the workers and the CLI get
 * the same {@code LOCALITY_PAYLOAD_KEY_FILE}, so every payload in history (the spec included) is
 * AES-256-GCM ciphertext and the marker secret appears in no event at all, while the CLI still
 * reads results, status and failures.
 */
class EncryptedPayloadsIT extends SecretsRedactionIT {
  @Override
  Path payloadKey(Path runDir) throws IOException {
    return newPayloadKey(runDir.resolve("payload.key"));
  }

  /**
   * Writes a fresh random key to {@code file} as the README tells users to ({@code head -c 32
   * /dev/urandom | base64}): Base64 on one line; also used by {@link CrossLanguageIT}.
   */
  static Path newPayloadKey(Path file) throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
  }
}
