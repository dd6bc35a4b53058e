package dev.locality.activities.checkpoint;

import dev.locality.api.checkpoint.CheckpointLayout;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Restores one checkpoint into a session directory: reads the manifest (the commit point), checks
 * it lists exactly the recorded outputs, then streams every file to a temporary file beside its
 * place while hashing it, and renames it into place only when its size and SHA-256 match. On any
 * failure every file it restored is removed again, so a failed restore leaves nothing behind. One
 * instance per restore; not thread-safe.
 */
final class CheckpointRestorer {
  private static final int BUFFER = 1 << 16;
  private static final long HEARTBEAT_BYTES = 8L << 20;

  private final CheckpointStore store;
  private final String key;
  private final Path sessionDir;
  private final Runnable heartbeat;
  private final List<Path> restored = new ArrayList<>();

  /** The checkpoint cannot be trusted: missing manifest, wrong list, a file that differs. */
  static final class Unusable extends Exception {
    private final String where;

    Unusable(String where, String message) {
      super(message);
      this.where = where;
    }

    String where() {
      return where;
    }
  }

  CheckpointRestorer(CheckpointStore store, String key, Path sessionDir, Runnable heartbeat) {
    this.store = store;
    this.key = key;
    this.sessionDir = sessionDir;
    this.heartbeat = heartbeat;
  }

  /**
   * @param outputs the stage's outputs as the workflow recorded them (empty when spilled)
   * @param spilled the spilled output list's summary, or null: the manifest is then checked only
   *     for holding that list's file (the list itself is checked by the caller once restored)
   * @return the bytes restored
   */
  long restore(List<Artifact> outputs, ArtifactManifest spilled) throws Unusable, IOException {
    boolean done = false;
    try {
      CheckpointManifest manifest = readManifest();
      String mismatch =
          spilled == null
              ? manifest.mismatch(outputs.stream().map(CheckpointManifest.Entry::of).toList())
              : manifest.files().stream().anyMatch(e -> e.path().equals(spilled.path()))
                  ? null
                  : "it does not hold the output list " + spilled.path();
      if (mismatch != null) throw new Unusable(store.describe(key), mismatch);
      long bytes = 0;
      for (CheckpointManifest.Entry entry : manifest.files()) {
        bytes += fetch(entry);
        heartbeat.run();
      }
      done = true;
      return bytes;
    } finally {
      if (!done) removeRestored();
    }
  }

  /** Deletes what this restore wrote (best effort). */
  void removeRestored() {
    for (Path file : restored) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the session's close removes the directory anyway
      }
    }
    restored.clear();
  }

  private CheckpointManifest readManifest() throws Unusable, IOException {
    String manifestKey = key + CheckpointLayout.MANIFEST;
    byte[] json;
    try (InputStream in = store.open(manifestKey)) {
      json = in.readNBytes(16 << 20);
    } catch (NoSuchFileException e) {
      throw new Unusable(
          store.describe(key), "its manifest is missing (the checkpoint was never completed)");
    }
    try {
      return CheckpointManifest.parse(json);
    } catch (IOException e) {
      throw new Unusable(store.describe(manifestKey), e.getMessage());
    }
  }

  private long fetch(CheckpointManifest.Entry entry) throws Unusable, IOException {
    Path target;
    try {
      target = CheckpointActivitiesImpl.inside(sessionDir, entry.path());
    } catch (RuntimeException e) {
      throw new Unusable(store.describe(key), "it lists " + entry.path() + " outside the session");
    }
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(".restore-" + UUID.randomUUID());
    String objectKey = key + CheckpointLayout.FILES + entry.path();
    MessageDigest sha256 = newDigest();
    long size = 0;
    try {
      try (InputStream in = store.open(objectKey);
          OutputStream out = Files.newOutputStream(temp)) {
        byte[] buffer = new byte[BUFFER];
        long sinceBeat = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
          sha256.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
          sinceBeat += n;
          if (sinceBeat >= HEARTBEAT_BYTES) {
            heartbeat.run();
            sinceBeat = 0;
          }
        }
      } catch (NoSuchFileException e) {
        throw new Unusable(store.describe(objectKey), "the object is missing");
      }
      String actual = HexFormat.of().formatHex(sha256.digest());
      if (size != entry.bytes() || !actual.equals(entry.sha256())) {
        throw new Unusable(
            store.describe(objectKey),
            "it has "
                + size
                + " bytes with SHA-256 "
                + actual
                + ", the manifest says "
                + entry.bytes()
                + " bytes with "
                + entry.sha256());
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      restored.add(target);
      return size;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
