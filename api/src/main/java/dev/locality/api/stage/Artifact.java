package dev.locality.api.stage;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A file a stage produced inside the session directory, handed to the next stage.
 *
 * @param path path relative to the session directory, with '/' separators
 * @param bytes size in bytes
 * @param sha256 hex SHA-256 of the content, or null when not computed
 * @param rows data rows for tabular files, or -1 when unknown
 * @param kind {@link #DATA} for the pipeline's data; {@link #REJECTS} for rows a stage set aside
 *     with their reasons. Stages that transform data process only data artifacts and pass the
 *     others on unchanged, so rejects travel to the upload next to the output.
 */
public record Artifact(String path, long bytes, String sha256, long rows, String kind) {
  public static final String DATA = "data";
  public static final String REJECTS = "rejects";

  /** A data artifact. */
  public Artifact(String path, long bytes, String sha256, long rows) {
    this(path, bytes, sha256, rows, DATA);
  }

  public String fileName() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /** Whether this is pipeline data (a missing kind, from an older payload, counts as data). */
  @JsonIgnore
  public boolean isData() {
    return kind == null || DATA.equals(kind);
  }

  public Artifact withKind(String newKind) {
    return new Artifact(path, bytes, sha256, rows, newKind);
  }
}
