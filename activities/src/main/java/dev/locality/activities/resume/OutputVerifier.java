package dev.locality.activities.resume;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.StageResult;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Checks the outputs a restarted worker finds in a taken-over session directory against what the
 * completed stages recorded, stage by stage in order, and stops at the first stage with an output
 * that is missing or differs: the pipeline continues from that stage, so it and every later stage
 * run again. An artifact is intact when its file lies inside the session directory, is a regular
 * file (not a link), has the recorded size and, read in full, the recorded SHA-256; one without a
 * recorded SHA-256 cannot be checked and counts as differing. A stage whose outputs were spilled to
 * a manifest file is intact when that file is readable, lists as many artifacts as recorded, and
 * every one of them is intact.
 *
 * <p>Reading 1 GB takes seconds: {@code heartbeat} is called at least every {@link
 * #HEARTBEAT_EVERY_BYTES} bytes read (the caller throttles). Stateless, thread-safe.
 */
public final class OutputVerifier {
  /** Bytes read between two calls of the heartbeat. */
  public static final int HEARTBEAT_EVERY_BYTES = 8 * 1024 * 1024;

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  /** The outcome: how many leading stages are intact, and why the next one is not. */
  public record Verdict(int intactStages, String firstDifference, long bytesRead) {
    public boolean allIntact(int stages) {
      return intactStages == stages;
    }
  }

  /** The part of a manifest file this check reads (the dispatcher writes more). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ManifestFile(List<Artifact> outputs) {}

  private final Path sessionDir;
  private final Runnable heartbeat;
  private long bytesRead;

  private OutputVerifier(Path sessionDir, Runnable heartbeat) {
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.heartbeat = heartbeat;
  }

  /**
   * Checks {@code completed} (stage 0 first) in {@code sessionDir}.
   *
   * @param heartbeat called while reading; may throw to stop the check (the activity was cancelled)
   */
  public static Verdict verify(Path sessionDir, List<StageResult> completed, Runnable heartbeat) {
    return new OutputVerifier(sessionDir, heartbeat).run(completed);
  }

  private Verdict run(List<StageResult> completed) {
    for (int i = 0; i < completed.size(); i++) {
      String difference = check(completed.get(i));
      if (difference != null) {
        return new Verdict(i, "stage " + i + ": " + difference, bytesRead);
      }
    }
    return new Verdict(completed.size(), null, bytesRead);
  }

  /** Null when every output of the stage is intact, else what differs. */
  private String check(StageResult result) {
    if (result == null) return "no recorded result";
    List<Artifact> outputs = result.outputs();
    ArtifactManifest manifest = result.manifest();
    if (manifest != null) {
      Path file = inside(manifest.path());
      if (file == null) return "manifest " + manifest.path() + " is outside the session";
      ManifestFile contents;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        contents = JSON.readValue(in, ManifestFile.class);
      } catch (IOException e) {
        return "manifest " + manifest.path() + " is missing or unreadable";
      }
      if (contents.outputs() == null || contents.outputs().size() != manifest.artifacts()) {
        return "manifest "
            + manifest.path()
            + " does not list "
            + manifest.artifacts()
            + " outputs";
      }
      outputs = contents.outputs();
    }
    for (Artifact a : outputs) {
      String difference = check(a);
      if (difference != null) return a.path() + " " + difference;
    }
    return null;
  }

  private String check(Artifact artifact) {
    Path file = inside(artifact.path());
    if (file == null) return "is outside the session";
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return "is missing";
    if (artifact.sha256() == null || artifact.sha256().isBlank()) {
      return "has no recorded SHA-256 to check against";
    }
    try {
      long size = Files.size(file);
      if (size != artifact.bytes()) {
        return "has " + size + " bytes, recorded " + artifact.bytes();
      }
      String actual = sha256(file);
      if (!actual.equals(artifact.sha256().toLowerCase(Locale.ROOT))) {
        return "has SHA-256 " + actual + ", recorded " + artifact.sha256();
      }
      return null;
    } catch (IOException e) {
      return "cannot be read: " + e.getMessage();
    }
  }

  private Path inside(String relative) {
    if (relative == null) return null;
    Path file = sessionDir.resolve(relative).normalize();
    return file.startsWith(sessionDir) ? file : null;
  }

  private String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[1 << 20];
    long sinceHeartbeat = 0;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
        bytesRead += n;
        sinceHeartbeat += n;
        if (sinceHeartbeat >= HEARTBEAT_EVERY_BYTES) {
          heartbeat.run();
          sinceHeartbeat = 0;
        }
      }
    }
    heartbeat.run();
    return HexFormat.of().formatHex(digest.digest());
  }
}
