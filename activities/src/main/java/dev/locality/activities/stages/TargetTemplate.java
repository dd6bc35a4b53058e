package dev.locality.activities.stages;

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
 * The {@code to} option of {@link UploadStage}: a {@code file:///} URI with placeholders {@code
 * {name}} (pipeline name), {@code {runId}}, {@code {workflowId}}, {@code {file}} (the artifact's
 * file name) and {@code {date}} (yyyy-MM-dd, UTC). Values are inserted after the URI is decoded,
 * with {@code /}, {@code \} and NUL replaced by {@code _} (and {@code .}/{@code ..} values
 * refused), so a value never adds directories. Immutable.
 */
final class TargetTemplate {
  static final List<String> PLACEHOLDERS = List.of("name", "runId", "workflowId", "file", "date");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  private static final String MARKER = "LOCALITYPLACEHOLDER";

  private final String template;
  private final String decodedPath;

  private TargetTemplate(String template, String decodedPath) {
    this.template = template;
    this.decodedPath = decodedPath;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException with a message fit for a {@code Problem} on option {@code to}
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
    if (scheme.equals("s3")) {
      throw new IllegalArgumentException("s3 upload not supported yet ('" + template + "')");
    }
    if (!scheme.equals("file")) {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' is not a file URI; write file:///absolute/path/{file}"
              + (scheme.isEmpty() ? "" : " (scheme '" + scheme + "' is not supported)"));
    }
    String authority = uri.getAuthority();
    if (authority != null && !authority.isEmpty() && !authority.equals("localhost")) {
      throw new IllegalArgumentException(
          "'" + template + "' names host '" + authority + "'; file URIs must be local");
    }
    String path = uri.getPath();
    if (path == null || !path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' must be an absolute file path ending in a file name, like"
              + " file:///data/out/{file}");
    }
    StringBuilder decoded = new StringBuilder();
    Matcher markers = Pattern.compile(MARKER + "(\\d+)X").matcher(path);
    while (markers.find()) {
      markers.appendReplacement(
          decoded,
          Matcher.quoteReplacement("{" + found.get(Integer.parseInt(markers.group(1))) + "}"));
    }
    markers.appendTail(decoded);
    return new TargetTemplate(template, decoded.toString());
  }

  boolean hasPlaceholder(String name) {
    return decodedPath.contains("{" + name + "}");
  }

  /**
   * The target path for the given placeholder values.
   *
   * @throws IllegalArgumentException when a value is empty, {@code .} or {@code ..}
   */
  Path expand(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(decodedPath);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = safe(m.group(1), values.get(m.group(1)));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Path.of(out.toString()).normalize();
  }

  private static String safe(String placeholder, String value) {
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
