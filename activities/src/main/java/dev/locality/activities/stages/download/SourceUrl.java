package dev.locality.activities.stages.download;

import dev.locality.activities.stages.s3.S3Location;
import dev.locality.stage.RedactedUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code url} option of {@link DownloadStage}, parsed: an http(s) URL, a local {@code file:}
 * URL or an {@code s3://bucket/key} object, and the file name the download is stored under.
 *
 * <p>{@link #uri()} is the URL exactly as written (parsed once, never rebuilt, so its percent
 * encoding is untouched) and is what gets fetched; {@link #toString()} and every message are
 * {@linkplain RedactedUrl redacted} (no userinfo, no query string).
 */
record SourceUrl(URI uri, Kind kind) {
  static final String DEFAULT_FILE_NAME = "download";

  /** How the source is read. */
  enum Kind {
    HTTP,
    FILE,
    S3
  }

  /**
   * Parses and checks a URL.
   *
   * @throws IllegalArgumentException with a message fit for an {@code OptionProblem} on option
   *     {@code url}
   */
  static SourceUrl parse(String raw) {
    URI uri;
    String shown = RedactedUrl.of(raw.trim());
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + shown + "' is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http", "https" -> {
        if (uri.getHost() == null)
          throw new IllegalArgumentException("'" + shown + "' has no host name");
        return new SourceUrl(uri, Kind.HTTP);
      }
      case "file" -> {
        String authority = uri.getAuthority();
        if (authority != null && !authority.isEmpty() && !authority.equals("localhost"))
          throw new IllegalArgumentException(
              "'"
                  + shown
                  + "' names host '"
                  + RedactedUrl.of("//" + authority).substring(2)
                  + "'; file URLs must be local (file:///path)");
        if (uri.getPath() == null || !uri.getPath().startsWith("/"))
          throw new IllegalArgumentException(
              "'" + shown + "' is not an absolute file URL (write file:///absolute/path)");
        return new SourceUrl(uri, Kind.FILE);
      }
      case "s3" -> {
        S3Location.parse(uri);
        return new SourceUrl(uri, Kind.S3);
      }
      case "" ->
          throw new IllegalArgumentException(
              "'" + shown + "' has no scheme; supported schemes: http, https, file, s3");
      default ->
          throw new IllegalArgumentException(
              "unsupported URL scheme '"
                  + scheme
                  + "' in '"
                  + shown
                  + "'; supported schemes: http, https, file, s3");
    }
  }

  /** The local path of a {@code file:} URL. */
  Path localPath() {
    return Path.of(uri.getPath());
  }

  /** The bucket and key of an {@code s3:} URL. */
  S3Location s3Location() {
    return S3Location.parse(uri);
  }

  /** The last segment of the URL's path, or {@value #DEFAULT_FILE_NAME} when it has none. */
  String fileName() {
    String path = uri.getPath();
    if (path == null) return DEFAULT_FILE_NAME;
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.isBlank()
        || name.equals(".")
        || name.equals("..")
        || name.contains("\\")
        || name.indexOf('\0') >= 0) {
      return DEFAULT_FILE_NAME;
    }
    return name;
  }

  /** The URL as it may be printed: without userinfo and query string. */
  @Override
  public String toString() {
    return RedactedUrl.of(uri);
  }
}
