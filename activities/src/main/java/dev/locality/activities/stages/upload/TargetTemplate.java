package dev.locality.activities.stages.upload;

import dev.locality.activities.stages.s3.S3Location;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code to} option of {@link UploadStage}: a {@code file:///path} or {@code s3://bucket/key}
 * URI with placeholders {@code {name}} (pipeline name), {@code {runId}}, {@code {workflowId}},
 * {@code {file}} (the artifact's file name), {@code {path}} (its path relative to the output
 * directory of the stage that wrote it, e.g. {@code state=CA/part-00000.parquet}: the layout of a
 * partitioned output) and {@code {date}} (yyyy-MM-dd, UTC) in the path or key (never in the
 * bucket). Values are inserted after the URI is decoded, with {@code /}, {@code \} and NUL replaced
 * by {@code _} (and {@code .}/{@code ..} values refused), so a value never adds directories or key
 * segments; only {@code {path}} keeps its {@code /}, each of its segments checked that way.
 * Immutable.
 */
final class TargetTemplate {
  static final List<String> PLACEHOLDERS =
      List.of("name", "runId", "workflowId", "file", "path", "date");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  private static final String MARKER = "LOCALITYPLACEHOLDER";

  private final String template;
  private final String bucket;
  private final String decodedPath;

  private TargetTemplate(String template, String bucket, String decodedPath) {
    this.template = template;
    this.bucket = bucket;
    this.decodedPath = decodedPath;
  }

  /**
   * True when every target names this pipeline run ({@code {runId}} in the path or key), so no
   * other run writes it: whatever is pending there was left by an earlier attempt of this run.
   */
  boolean uniqueToRun() {
    return template.contains("{runId}");
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException with a message fit for an {@code OptionProblem} on option
   *     {@code to}
   */
  static TargetTemplate parse(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder marked = new StringBuilder();
    List<String> found = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      if (!PLACEHOLDERS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown placeholder {"
                + name
                + "} in '"
                + template
                + "' (known: {"
                + String.join("}, {", PLACEHOLDERS)
                + "})");
      }
      m.appendReplacement(marked, MARKER + found.size() + "X");
      found.add(name);
    }
    m.appendTail(marked);
    URI uri;
    try {
      uri = new URI(marked.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + template + "' is not a valid URI (encode spaces as %20): " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String authority = uri.getRawAuthority();
    String path = uri.getPath();
    String bucket = null;
    if (scheme.equals("s3")) {
      if (authority == null || authority.isEmpty()) {
        throw new IllegalArgumentException(
            "'" + template + "' has no bucket; write s3://bucket/prefix/{file}");
      }
      if (authority.contains(MARKER)) {
        throw new IllegalArgumentException(
            "'" + template + "': placeholders are not allowed in the bucket name");
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException(
            "'"
                + template
                + "' contains credentials; S3 credentials come only from the worker's environment");
      }
      S3Location.checkBucket(authority, template);
      if (path == null || path.length() <= 1 || path.endsWith("/")) {
        throw new IllegalArgumentException(
            "'"
                + template
                + "' must name an object key ending in a file name, like s3://"
                + authority
                + "/out/{file}");
      }
      bucket = authority;
      path = path.substring(1);
    } else if (scheme.equals("file")) {
      if (authority != null && !authority.isEmpty() && !authority.equals("localhost")) {
        throw new IllegalArgumentException(
            "'" + template + "' names host '" + authority + "'; file URIs must be local");
      }
      if (path == null || !path.startsWith("/") || path.endsWith("/")) {
        throw new IllegalArgumentException(
            "'"
                + template
                + "' must be an absolute file path ending in a file name, like"
                + " file:///data/out/{file}");
      }
    } else {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' is not a file or s3 URI; write file:///absolute/path/{file} or"
              + " s3://bucket/prefix/{file}"
              + (scheme.isEmpty() ? "" : " (scheme '" + scheme + "' is not supported)"));
    }
    StringBuilder decoded = new StringBuilder();
    Matcher markers = Pattern.compile(MARKER + "(\\d+)X").matcher(path);
    while (markers.find()) {
      markers.appendReplacement(
          decoded,
          Matcher.quoteReplacement("{" + found.get(Integer.parseInt(markers.group(1))) + "}"));
    }
    markers.appendTail(decoded);
    return new TargetTemplate(template, bucket, decoded.toString());
  }

  /** Whether the target is an S3 object (else a local file). */
  boolean isS3() {
    return bucket != null;
  }

  /** The bucket of an S3 target. */
  String bucket() {
    return bucket;
  }

  boolean hasPlaceholder(String name) {
    return decodedPath.contains("{" + name + "}");
  }

  /**
   * The target for the given placeholder values: a normalized absolute path for a file target, the
   * object key for an S3 target.
   *
   * @throws IllegalArgumentException when a value is empty, {@code .} or {@code ..}
   */
  String expand(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(decodedPath);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = safe(m.group(1), values.get(m.group(1)));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return isS3() ? out.toString() : Path.of(out.toString()).normalize().toString();
  }

  /** The target named {@code fileName} next to {@code target} (same directory or key prefix). */
  String sibling(String target, String fileName) {
    if (!isS3()) return Path.of(target).resolveSibling(fileName).toString();
    return target.substring(0, target.lastIndexOf('/') + 1) + fileName;
  }

  /** The URI a reader finds the target at. */
  String uri(String target) {
    return isS3() ? new S3Location(bucket, target).toString() : Path.of(target).toUri().toString();
  }

  private static String safe(String placeholder, String value) {
    if (placeholder.equals("path") && value != null) {
      List<String> segments = new ArrayList<>();
      for (String segment : value.split("/", -1)) segments.add(safeSegment(placeholder, segment));
      return String.join("/", segments);
    }
    return safeSegment(placeholder, value);
  }

  private static String safeSegment(String placeholder, String value) {
    String v = value == null ? "" : value.replaceAll("[/\\\\\\x00]", "_");
    if (v.isEmpty() || v.equals(".") || v.equals("..")) {
      throw new IllegalArgumentException(
          "placeholder {" + placeholder + "} would be '" + v + "', which is not a usable name");
    }
    return v;
  }

  @Override
  public String toString() {
    return template;
  }
}
