package dev.locality.api.stage;

/**
 * A file a stage produced inside the session directory, handed to the next stage.
 *
 * @param path path relative to the session directory, with '/' separators
 * @param bytes size in bytes
 * @param sha256 hex SHA-256 of the content, or null when not computed
 * @param rows data rows for tabular files, or -1 when unknown
 */
public record Artifact(String path, long bytes, String sha256, long rows) {
  public String fileName() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
