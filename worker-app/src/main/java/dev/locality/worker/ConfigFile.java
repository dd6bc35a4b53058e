package dev.locality.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The optional worker config file ({@code --config FILE}): the same keys as the long options
 * without their dashes prefix ({@code max-sessions: 2}), and worker settings under {@code
 * settings}.
 *
 * <ul>
 *   <li>{@code .yaml}, {@code .yml} or {@code .json}: a mapping; {@code settings} is a nested
 *       mapping of setting names to scalar values;
 *   <li>{@code .properties}: {@code key=value} lines; worker settings as {@code
 *       settings.NAME=value}.
 * </ul>
 *
 * Unknown keys, non-scalar values and unreadable files are reported as problems (all of them), not
 * ignored: a typo in a config file must not silently fall back to a default. Immutable once read.
 */
final class ConfigFile {
  static final String SETTINGS = "settings";
  static final ConfigFile NONE = new ConfigFile(null, Map.of(), Map.of());

  private final Path path;
  private final Map<String, String> values;
  private final Map<String, String> workerSettings;

  private ConfigFile(Path path, Map<String, String> values, Map<String, String> workerSettings) {
    this.path = path;
    this.values = values;
    this.workerSettings = workerSettings;
  }

  /**
   * Reads {@code path}, accepting only {@code knownKeys} (and {@value #SETTINGS}); every problem is
   * added to {@code problems}.
   */
  static ConfigFile read(Path path, Set<String> knownKeys, List<String> problems) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    Map<String, Object> raw;
    try {
      if (lower.endsWith(".properties")) raw = readProperties(path);
      else if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"))
        raw = readYaml(path);
      else {
        problems.add(
            "config file "
                + path
                + ": unknown type (name it *.yaml, *.yml, *.json or *.properties)");
        return NONE;
      }
    } catch (IOException | RuntimeException e) {
      problems.add("config file " + path + " cannot be read: " + e.getMessage());
      return NONE;
    }
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> workerSettings = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (key.equals(SETTINGS) && value instanceof Map<?, ?> map) {
        map.forEach(
            (k, v) -> {
              if (isScalar(v)) workerSettings.put(String.valueOf(k), String.valueOf(v));
              else
                problems.add(
                    "config file " + path + ": " + SETTINGS + "." + k + " must be a single value");
            });
      } else if (key.startsWith(SETTINGS + ".") && isScalar(value)) {
        workerSettings.put(key.substring(SETTINGS.length() + 1), String.valueOf(value));
      } else if (!knownKeys.contains(key)) {
        problems.add(
            "config file "
                + path
                + ": unknown key '"
                + key
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(knownKeys))
                + ", "
                + SETTINGS
                + ")");
      } else if (value == null) {
        // an empty YAML value: as if the key were absent
      } else if (isScalar(value)) {
        values.put(key, String.valueOf(value));
      } else if (value instanceof List<?> list && list.stream().allMatch(ConfigFile::isScalar)) {
        values.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
      } else {
        problems.add("config file " + path + ": " + key + " must be a single value or a list");
      }
    }
    return new ConfigFile(path, Map.copyOf(values), Map.copyOf(workerSettings));
  }

  private static boolean isScalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean;
  }

  private static Map<String, Object> readYaml(Path path) throws IOException {
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
      if (tree == null) return Map.of();
      if (!(tree instanceof Map<?, ?> map))
        throw new IOException("the top level must be a mapping of option names to values");
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    }
  }

  private static Map<String, Object> readProperties(Path path) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, Object> out = new TreeMap<>();
    properties.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v).trim()));
    return out;
  }

  /** Where the file is; null for {@link #NONE}. */
  Path path() {
    return path;
  }

  /** The value of a key, or null. */
  String get(String key) {
    return values.get(key);
  }

  Map<String, String> workerSettings() {
    return workerSettings;
  }
}
