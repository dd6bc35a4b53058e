package dev.locality.activities.stages.download;

import dev.locality.activities.stages.s3.S3Location;
import dev.locality.stage.RedactedUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Locale;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of the {@code url} / {@code urls} options of {@link DownloadStage}: either a single URL
 * ({@link #single()}, fetched as before) or a glob over {@code s3://} keys or {@code file://} paths.
 *
 * <p>A URL is a glob when its path holds one of {@code * ? [ {}; the glob syntax is Java's {@link
 * java.nio.file.FileSystem#getPathMatcher glob}: {@code *} and {@code ?} stay within one path
 * segment, {@code **} crosses segments, {@code [abc]} and {@code {a,b}} as usual. The glob is split
 * at the last {@code /} before its first glob character: the part before is the {@link #base()} (for
 * S3 the listing prefix is the key up to the first glob character, which is narrower), the rest is
 * matched against each candidate's path relative to the base, and that relative path becomes the
 * downloaded file's name (so {@code s3://b/2026/*}{@code /sales.csv} gives {@code 01/sales.csv},
 * {@code 02/sales.csv}: names never collide).
 *
 * <p>Refused (with a message fit for an option problem): an http(s) URL with a glob character in
 * its path (no listing exists over http), a {@code ..} segment in a glob, a glob in the bucket name,
 * an unsupported scheme. Immutable.
 */
record SourcePattern(String raw, SourceUrl single, SourceUrl.Kind kind, String base, String glob) {
  private static final String GLOB_CHARS = "*?[{";

  /**
   * Parses one entry.
   *
   * @throws IllegalArgumentException with a message fit for an option problem
   */
  static SourcePattern parse(String text) {
    String raw = text.trim();
    String shown = RedactedUrl.of(raw);
    String scheme = scheme(raw);
    if (scheme.equals("s3") || scheme.equals("file")) {
      String path = raw.substring(scheme.length() + 3); // after "s3://" or "file://"
      int slash = path.indexOf('/');
      String authority = slash < 0 ? path : path.substring(0, slash);
      String rest = slash < 0 ? "" : path.substring(slash);
      if (firstGlobChar(rest) >= 0) {
        return glob(raw, shown, scheme, authority, rest);
      }
      if (firstGlobChar(authority) >= 0) {
        throw new IllegalArgumentException(
            "'"
                + shown
                + "' has a glob character in its "
                + (scheme.equals("s3") ? "bucket" : "host")
                + "; only the path may be a glob");
      }
    } else if (scheme.equals("http") || scheme.equals("https")) {
      String withoutQuery = raw.contains("?") ? raw.substring(0, raw.indexOf('?')) : raw;
      if (withoutQuery.contains("*")) {
        throw new IllegalArgumentException(
            "'"
                + shown
                + "' looks like a glob, but "
                + scheme
                + " URLs cannot be globs (http has no listing); list the files under 'urls', or"
                + " use an s3:// or file:// glob");
      }
    }
    SourceUrl url = SourceUrl.parse(raw);
    return new SourcePattern(raw, url, url.kind(), null, null);
  }

  /** Whether this entry is a glob (else {@link #single()} is the URL). */
  boolean isGlob() {
    return single == null;
  }

  /** The S3 bucket of an {@code s3://} glob. */
  String bucket() {
    return URI.create("s3://" + authorityOf(raw) + "/").getAuthority();
  }

  /** The key prefix ListObjectsV2 is asked for: the key up to its first glob character. */
  String listPrefix() {
    String key = raw.substring(("s3://" + authorityOf(raw) + "/").length());
    return key.substring(0, firstGlobChar(key));
  }

  /** A matcher of paths relative to {@link #base()}. */
  PathMatcher matcher() {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  /** Whether the glob may match deeper than its own number of segments ({@code **}). */
  boolean crossesSegments() {
    return glob.contains("**");
  }

  /** How many path segments a match has when the glob has no {@code **}. */
  int segments() {
    return glob.split("/", -1).length;
  }

  @Override
  public String toString() {
    return RedactedUrl.of(raw);
  }

  private static SourcePattern glob(
      String raw, String shown, String scheme, String authority, String path) {
    if (scheme.equals("file") && !authority.isEmpty() && !authority.equals("localhost")) {
      throw new IllegalArgumentException(
          "'" + shown + "' names a host; file URLs must be local (file:///path)");
    }
    if (!path.startsWith("/") || (scheme.equals("s3") && path.length() < 2)) {
      throw new IllegalArgumentException("'" + shown + "' has no path to match");
    }
    for (String segment : path.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new IllegalArgumentException(
            "'" + shown + "' has a '" + segment + "' segment; globs must not walk up or around");
      }
    }
    if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("'" + shown + "' has a NUL or backslash in its glob");
    }
    int first = firstGlobChar(path);
    int cut = path.lastIndexOf('/', first);
    String base = path.substring(0, cut + 1); // with its trailing slash
    String glob = path.substring(cut + 1);
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "'" + shown + "' is not a valid glob: " + e.getDescription(), e);
    }
    SourceUrl.Kind kind;
    if (scheme.equals("s3")) {
      kind = SourceUrl.Kind.S3;
      S3Location.checkBucket(authority, shown);
    } else {
      kind = SourceUrl.Kind.FILE;
    }
    return new SourcePattern(raw, null, kind, base, glob);
  }

  private static String authorityOf(String raw) {
    String path = raw.substring(raw.indexOf("://") + 3);
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(0, slash);
  }

  private static String scheme(String raw) {
    int colon = raw.indexOf(':');
    if (colon <= 0 || !raw.startsWith("//", colon + 1)) return "";
    return raw.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  static int firstGlobChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (GLOB_CHARS.indexOf(s.charAt(i)) >= 0) return i;
    }
    return -1;
  }

  /** A {@code file:} URL for a local path, as the glob expansion hands it on. */
  static SourceUrl fileUrl(Path path) {
    try {
      return SourceUrl.parse(new URI("file", null, path.toString(), null).toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot make a URL of " + path, e);
    }
  }

  /** An {@code s3:} URL for an object, as the glob expansion hands it on. */
  static SourceUrl s3Url(String bucket, String key) {
    try {
      return SourceUrl.parse(new URI("s3", bucket, "/" + key, null).toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot make a URL of s3://" + bucket + "/" + key, e);
    }
  }
}
