package dev.locality.stage.runtime;

import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker settings of one worker, checked against what its stages declare: every configured name
 * is a setting some loaded stage declares, and every value parses. Built once at start-up ({@link
 * #check}); afterwards {@link #get} returns typed values (parsed once, then cached). Immutable
 * apart from that cache; thread-safe.
 *
 * <p>Framework code (the worker and the test kit build it); stages read settings through {@code
 * StageContext.setting}.
 */
public final class WorkerSettingValues {
  private final Map<String, String> raw;
  private final Map<String, SettingSpec<?>> declared;
  private final Map<String, Object> parsed = new ConcurrentHashMap<>();

  private WorkerSettingValues(Map<String, String> raw, Map<String, SettingSpec<?>> declared) {
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    this.declared = Collections.unmodifiableMap(declared);
  }

  /**
   * Checks {@code raw} against the settings {@code stages} declare.
   *
   * @throws InvalidWorkerSettingsException listing every problem: an unknown name (with the known
   *     ones), a value that does not parse, two stages declaring one name differently
   */
  public static WorkerSettingValues check(
      Map<String, String> raw, Collection<? extends Stage> stages) {
    List<String> problems = new ArrayList<>();
    Map<String, SettingSpec<?>> declared = declarations(stages, problems);
    for (Map.Entry<String, String> e : new TreeMap<>(raw).entrySet()) {
      SettingSpec<?> spec = declared.get(e.getKey());
      if (spec == null) {
        problems.add(
            "unknown worker setting '"
                + e.getKey()
                + "' (known: "
                + String.join(", ", declared.keySet())
                + ")");
        continue;
      }
      try {
        spec.parse(e.getValue());
      } catch (IllegalArgumentException ex) {
        problems.add("worker setting " + e.getKey() + ": " + ex.getMessage());
      }
    }
    if (!problems.isEmpty()) throw new InvalidWorkerSettingsException(problems);
    return new WorkerSettingValues(raw, declared);
  }

  /**
   * Every setting the stages declare, by name, sorted.
   *
   * @throws InvalidWorkerSettingsException when two stages declare one name differently
   */
  public static Map<String, SettingSpec<?>> declarations(Collection<? extends Stage> stages) {
    List<String> problems = new ArrayList<>();
    Map<String, SettingSpec<?>> declared = declarations(stages, problems);
    if (!problems.isEmpty()) throw new InvalidWorkerSettingsException(problems);
    return declared;
  }

  private static Map<String, SettingSpec<?>> declarations(
      Collection<? extends Stage> stages, List<String> problems) {
    Map<String, SettingSpec<?>> declared = new TreeMap<>();
    Map<String, String> declaredBy = new TreeMap<>();
    for (Stage stage : stages) {
      for (SettingSpec<?> spec : stage.settings()) {
        SettingSpec<?> previous = declared.putIfAbsent(spec.name(), spec);
        if (previous == null) {
          declaredBy.put(spec.name(), stage.type());
        } else if (!previous.sameAs(spec)) {
          problems.add(
              "stages "
                  + declaredBy.get(spec.name())
                  + " and "
                  + stage.type()
                  + " declare worker setting '"
                  + spec.name()
                  + "' differently ("
                  + previous
                  + " vs "
                  + spec
                  + ")");
        }
      }
    }
    return declared;
  }

  /** Values without any declaration check: for tests that set what a stage reads directly. */
  public static WorkerSettingValues unchecked(Map<String, String> raw) {
    return new WorkerSettingValues(raw, Map.of());
  }

  /** The configured value of {@code setting}, or its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(SettingSpec<T> setting) {
    String value = raw.get(setting.name());
    if (value == null) return setting.defaultValue();
    return (T)
        parsed.computeIfAbsent(
            setting.name(),
            name -> {
              try {
                return setting.parse(value);
              } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                    "worker setting " + name + ": " + e.getMessage(), e);
              }
            });
  }

  /** The configured values as given, sorted by name. */
  public Map<String, String> raw() {
    return raw;
  }

  /** The declarations this set was checked against, by name (empty when {@link #unchecked}). */
  public Map<String, SettingSpec<?>> declared() {
    return declared;
  }
}
