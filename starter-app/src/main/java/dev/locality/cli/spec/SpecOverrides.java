package dev.locality.cli.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.locality.api.spec.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --set PATH=VALUE} overrides of {@code run} and {@code batch}, applied to the parsed
 * spec tree (maps, lists, scalars) before validation, so every validation message still names the
 * stage and key. A path is dotted keys with optional list indexes: {@code name}, {@code
 * session.maxWorkerAttempts}, {@code stages[0].url}, {@code stages[2].rename.amount}. Missing
 * mappings on the way are created; an index may name an existing element or the next one (append).
 * The value is read as a YAML scalar or flow collection ({@code 5} is a number, {@code true} a
 * boolean, {@code [a, b]} a list, {@code 10s} a string); {@code null} removes the key. A relative
 * {@code file:} URL in a value is resolved against the current directory, where the user typed it.
 * Immutable, thread-safe.
 */
public final class SpecOverrides {
  private static final Pattern SEGMENT =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)((?:\\[\\d+])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<Entry> entries;

  private SpecOverrides(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** One override: where, the value to set (null removes), and what the user typed. */
  public record Entry(String path, Object value, String raw) {}

  public static SpecOverrides none() {
    return new SpecOverrides(List.of());
  }

  /**
   * Reads {@code PATH=VALUE} arguments.
   *
   * @param workingDir what relative {@code file:} URLs in values are resolved against
   * @throws IllegalArgumentException naming the argument that is not {@code PATH=VALUE}
   */
  public static SpecOverrides parse(List<String> keyValues, Path workingDir) {
    List<Entry> entries = new ArrayList<>();
    for (String keyValue : keyValues) {
      int eq = keyValue.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--set " + keyValue + ": expected PATH=VALUE, e.g. stages[0].url=https://host/x.csv");
      }
      String path = keyValue.substring(0, eq).trim();
      String raw = keyValue.substring(eq + 1);
      entries.add(new Entry(path, resolveFileUrl(scalar(raw), workingDir), raw));
    }
    return new SpecOverrides(entries);
  }

  /** A copy with one more override, applied after the others. */
  public SpecOverrides with(String path, Object value) {
    List<Entry> more = new ArrayList<>(entries);
    more.add(new Entry(path, value, String.valueOf(value)));
    return new SpecOverrides(more);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * Applies every override to {@code tree} in order, changing it in place.
   *
   * @return a problem per override that could not be applied (bad path, index out of range, a
   *     scalar where a mapping is needed), located at {@code --set PATH}
   */
  public List<Problem> applyTo(Map<String, Object> tree) {
    List<Problem> problems = new ArrayList<>();
    for (Entry entry : entries) {
      String error = apply(tree, entry);
      if (error != null) problems.add(Problem.global("--set " + entry.path(), error));
    }
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static String apply(Map<String, Object> tree, Entry entry) {
    List<Object> steps = new ArrayList<>(); // String keys and Integer indexes
    for (String segment : entry.path().split("\\.", -1)) {
      Matcher m = SEGMENT.matcher(segment);
      if (!m.matches()) {
        return "'"
            + entry.path()
            + "' is not a path like name, session.maxWorkerAttempts or stages[0].url";
      }
      steps.add(m.group(1));
      Matcher index = INDEX.matcher(m.group(2));
      while (index.find()) steps.add(Integer.valueOf(index.group(1)));
    }
    Object node = tree;
    StringBuilder at = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      Object step = steps.get(i);
      boolean last = i == steps.size() - 1;
      Object next = last ? null : steps.get(i + 1);
      if (step instanceof String key) {
        if (!(node instanceof Map<?, ?>)) {
          return where(at) + " is a " + kind(node) + ", not a mapping with key '" + key + "'";
        }
        Map<String, Object> map = (Map<String, Object>) node;
        if (last) {
          if (entry.value() == null) map.remove(key);
          else map.put(key, entry.value());
          return null;
        }
        node = map.computeIfAbsent(key, k -> container(next));
      } else {
        int index = (Integer) step;
        if (!(node instanceof List<?>)) {
          return where(at) + " is a " + kind(node) + ", not a list";
        }
        List<Object> list = (List<Object>) node;
        if (index > list.size()) {
          return where(at)
              + " has "
              + list.size()
              + (list.size() == 1 ? " element" : " elements")
              + ": index "
              + index
              + " is out of range ("
              + (list.isEmpty() ? "" : "0.." + (list.size() - 1) + " exist; ")
              + list.size()
              + " appends)";
        }
        if (last) {
          if (index == list.size()) list.add(entry.value());
          else if (entry.value() == null) list.remove(index);
          else list.set(index, entry.value());
          return null;
        }
        if (index == list.size()) list.add(container(next));
        node = list.get(index);
      }
      at.append(step instanceof Integer ? "[" + step + "]" : (at.length() == 0 ? "" : ".") + step);
    }
    return null;
  }

  private static Object container(Object nextStep) {
    return nextStep instanceof Integer ? new ArrayList<>() : new LinkedHashMap<String, Object>();
  }

  private static String where(StringBuilder at) {
    return at.length() == 0 ? "the spec" : "'" + at + "'";
  }

  private static String kind(Object node) {
    if (node == null) return "null value";
    if (node instanceof Map<?, ?>) return "mapping";
    if (node instanceof List<?>) return "list";
    if (node instanceof String) return "string";
    if (node instanceof Number) return "number";
    if (node instanceof Boolean) return "boolean";
    return node.getClass().getSimpleName();
  }

  /** The value as YAML reads it; text YAML cannot read stays a string. */
  static Object scalar(String raw) {
    if (raw.isEmpty()) return "";
    try {
      Object value = YAML.readValue(raw, Object.class);
      return value instanceof Map<?, ?> && !raw.trim().startsWith("{") ? raw : value;
    } catch (java.io.IOException e) {
      return raw;
    }
  }

  private static Object resolveFileUrl(Object value, Path workingDir) {
    if (value instanceof String s
        && s.startsWith("file:")
        && !s.startsWith("file:/")
        && s.length() > 5) {
      return "file://"
          + workingDir.toAbsolutePath().resolve(s.substring("file:".length())).normalize();
    }
    return value;
  }
}
