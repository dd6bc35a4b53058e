package dev.locality.stage;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The stages a worker (or the CLI, for validation) knows, by type name. Immutable and thread-safe
 * once built.
 */
public final class StageRegistry {
  private final Map<String, Stage> byType;

  private StageRegistry(Map<String, Stage> byType) {
    this.byType = Collections.unmodifiableMap(byType);
  }

  /**
   * Loads every {@link Stage} visible to the class loader through {@link ServiceLoader}.
   *
   * @throws IllegalStateException when two stages declare the same type
   */
  public static StageRegistry load(ClassLoader loader) {
    return of(ServiceLoader.load(Stage.class, loader).stream().map(p -> p.get()).toList());
  }

  /** Builds a registry from explicit instances; duplicate type names are an error. */
  public static StageRegistry of(Collection<? extends Stage> stages) {
    Map<String, Stage> map = new TreeMap<>();
    for (Stage stage : stages) {
      Stage previous = map.putIfAbsent(stage.type(), stage);
      if (previous != null) {
        throw new IllegalStateException(
            "two stages declare type '"
                + stage.type()
                + "': "
                + previous.getClass().getName()
                + " and "
                + stage.getClass().getName());
      }
    }
    return new StageRegistry(map);
  }

  public Optional<Stage> find(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  public Collection<Stage> all() {
    return byType.values();
  }

  public java.util.Set<String> types() {
    return byType.keySet();
  }
}
