package dev.locality.activities.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.stage.Artifact;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest object of a checkpoint, written last: its existence is the commit point, its list
 * the truth a restore checks every downloaded byte against.
 *
 * <p>JSON, {@code format} {@value #FORMAT}: the run ({@code workflowId}, {@code runId}), the stage
 * ({@code stageIndex}, {@code stageType}), the {@code sessionId} that wrote it, and {@code files}:
 * each file's {@code path} relative to the session directory (also its key under the checkpoint's
 * {@code files/}), {@code bytes} and hex {@code sha256}.
 */
public record CheckpointManifest(
    String format,
    String workflowId,
    String runId,
    int stageIndex,
    String stageType,
    String sessionId,
    List<Entry> files) {
  public static final String FORMAT = "locality-checkpoint/1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One file of the checkpoint. */
  public record Entry(String path, long bytes, String sha256) {
    static Entry of(Artifact artifact) {
      return new Entry(artifact.path(), artifact.bytes(), artifact.sha256());
    }
  }

  public CheckpointManifest {
    files = files == null ? List.of() : List.copyOf(files);
  }

  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a manifest.
   *
   * @throws IOException when it is not a manifest of this format (a partial or foreign object)
   */
  public static CheckpointManifest parse(byte[] json) throws IOException {
    CheckpointManifest manifest;
    try {
      manifest = JSON.readValue(json, CheckpointManifest.class);
    } catch (IOException e) {
      throw new IOException("the manifest is not valid JSON: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(manifest.format())) {
      throw new IOException("the manifest's format is '" + manifest.format() + "', not " + FORMAT);
    }
    return manifest;
  }

  /**
   * Why this manifest does not describe exactly {@code expected} (path, size and SHA-256 of every
   * file, in any order), or null when it does. An expected file without a SHA-256 (a stage that
   * reported none) is matched by path and size; its bytes are still checked against the manifest's
   * SHA-256, which the save computed.
   */
  public String mismatch(List<Entry> expected) {
    Map<String, Entry> listed = new HashMap<>();
    for (Entry e : files) listed.put(e.path(), e);
    if (listed.size() != files.size()) return "the manifest lists a path twice";
    List<String> problems = new ArrayList<>();
    for (Entry want : expected) {
      Entry got = listed.remove(want.path());
      if (got == null) problems.add(want.path() + " is missing");
      else if (got.bytes() != want.bytes()
          || (want.sha256() != null && !want.sha256().equals(got.sha256())))
        problems.add(want.path() + " differs from the recorded output");
    }
    for (String extra : listed.keySet()) problems.add(extra + " was not an output");
    return problems.isEmpty() ? null : String.join("; ", problems);
  }
}
