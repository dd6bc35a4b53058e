package dev.locality.activities.stages;

import dev.locality.activities.stages.s3.S3Location;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code url} option of {@link DownloadStage}, parsed: an http(s) URL, a local {@code file:}
 * URL or an {@code s3://bucket/key} object, and the file name the download is stored under.
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
   * @throws IllegalArgumentException with a message fit for a {@code Problem} on option {@code url}
   */
  static SourceUrl parse(String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + raw + "' is not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http", "https" -> {
        if (uri.getHost() == null)
          throw new IllegalArgumentException("'" + raw + "' has no host name");
        return new SourceUrl(uri, Kind.HTTP);
      }
      case "file" -> {
        String authority = uri.getAuthority();
        if (authority != null && !authority.isEmpty() && !authority.equals("localhost"))
          throw new IllegalArgumentException(
              "'"
                  + raw
                  + "' names host '"
                  + authority
                  + "'; file URLs must be local (file:///path)");
        if (uri.getPath() == null || !uri.getPath().startsWith("/"))
          throw new IllegalArgumentException(
              "'" + raw + "' is not an absolute file URL (write file:///absolute/path)");
        return new SourceUrl(uri, Kind.FILE);
      }
      case "s3" -> {
        S3Location.parse(uri);
        return new SourceUrl(uri, Kind.S3);
      }
      case "" ->
          throw new IllegalArgumentException(
              "'" + raw + "' has no scheme; supported schemes: http, https, file, s3");
      default ->
          throw new IllegalArgumentException(
              "unsupported URL scheme '"
                  + scheme
                  + "' in '"
                  + raw
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

  @Override
  public String toString() {
    return uri.toString();
  }
}
