package dev.locality.stage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

  /**
   * Describes a data file inside a session directory: its path relative to {@code sessionDir}, its
   * size and SHA-256, read in one streaming pass. The caller checks that {@code file} lies inside
   * {@code sessionDir}.
   *
   * @throws IOException when the file cannot be read or is not a regular file
   */
  public static Artifact describe(Path sessionDir, Path file, long rows) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + " is not a regular file");
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
        size += n;
      }
    }
    String relative =
        sessionDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    return new Artifact(relative, size, HexFormat.of().formatHex(sha256.digest()), rows);
  }

  public String fileName() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /**
   * Whether this is pipeline data (a missing kind, from an older payload, counts as data). Not
   * named like a getter, so JSON payloads carry only the record's components.
   */
  public boolean holdsData() {
    return kind == null || DATA.equals(kind);
  }

  public Artifact withKind(String newKind) {
    return new Artifact(path, bytes, sha256, rows, newKind);
  }
}
