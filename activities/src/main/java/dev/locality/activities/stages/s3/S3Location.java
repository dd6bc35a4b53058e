package dev.locality.activities.stages.s3;

import dev.locality.stage.RedactedUrl;
import java.net.URI;
import java.util.Locale;

/**
 * An object in S3 or an S3-compatible store, written {@code s3://bucket/key}. The URL never holds
 * credentials: they come from the worker's environment (see {@link S3Clients}). Immutable.
 *
 * @param bucket the bucket name
 * @param key the object key (decoded, without the leading {@code /})
 */
public record S3Location(String bucket, String key) {
  /**
   * Parses an {@code s3://bucket/key} URI.
   *
   * @throws IllegalArgumentException with a message fit for a {@code Problem}
   */
  public static S3Location parse(URI uri) {
    if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("s3")) {
      throw new IllegalArgumentException("'" + RedactedUrl.of(uri) + "' is not an s3:// URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "'"
              + RedactedUrl.of(uri)
              + "' contains credentials; S3 credentials come only from the worker's environment,"
              + " never from a pipeline spec");
    }
    String bucket = uri.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + RedactedUrl.of(uri) + "' has no bucket; write s3://bucket/path/to/object");
    }
    checkBucket(bucket, RedactedUrl.of(uri));
    String path = uri.getPath();
    String key = path == null || path.isEmpty() ? "" : path.substring(1);
    if (key.isEmpty() || key.endsWith("/")) {
      throw new IllegalArgumentException(
          "'"
              + RedactedUrl.of(uri)
              + "' names no object; write s3://"
              + bucket
              + "/path/to/object");
    }
    return new S3Location(bucket, key);
  }

  /**
   * Checks a bucket name against the S3 naming rules (3 to 63 lower-case letters, digits, dots and
   * dashes).
   *
   * @throws IllegalArgumentException when it breaks them
   */
  public static void checkBucket(String bucket, String where) {
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
        || !bucket.equals(bucket.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "'"
              + bucket
              + "' in '"
              + where
              + "' is not a valid bucket name (3-63 lower-case letters, digits, '.' and '-')");
    }
  }

  /** The last segment of the key. */
  public String fileName() {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
