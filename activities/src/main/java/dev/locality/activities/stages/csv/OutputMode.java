package dev.locality.activities.stages.csv;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code transform-csv} maps inputs to outputs, the {@code mode} and {@code name} keys of its
 * {@code output} option: {@code each} (the default) writes one output per input, named after it;
 * {@code merge} writes the rows of every input, in input order, under one header into one output
 * named {@code name} (default {@value #DEFAULT_MERGED_NAME}, with the output format's extension and
 * the compression suffix). Merged inputs must have the same header; dedupe then works across all
 * inputs. Immutable.
 *
 * <p>The {@code output} mapping holds {@link OutputSpec}'s keys too ({@link #KEYS} lists this
 * class's own); this class reads only its keys, {@link OutputSpec#parse} the rest.
 *
 * @param merge whether all inputs go into one output
 * @param name the merged output's name, or null for the default
 */
record OutputMode(boolean merge, String name) {
  /** The keys of {@code output} this class reads. */
  static final List<String> KEYS = List.of("mode", "name");

  /** The merged output's name without {@code name}. */
  static final String DEFAULT_MERGED_NAME = "merged.csv";

  /** One output per input. */
  static final OutputMode EACH = new OutputMode(false, null);

  /**
   * Reads {@code mode} and {@code name} from the {@code output} mapping, adding what is wrong with
   * them to {@code problems}.
   */
  static OutputMode parse(Map<?, ?> map, List<String> problems) {
    boolean merge = false;
    Object mode = map.get("mode");
    if (mode != null) {
      switch (String.valueOf(mode).trim().toLowerCase(Locale.ROOT)) {
        case "each" -> merge = false;
        case "merge" -> merge = true;
        default -> problems.add("mode: expected each or merge, got '" + mode + "'");
      }
    }
    String name = null;
    Object rawName = map.get("name");
    if (rawName != null) {
      name = String.valueOf(rawName).trim();
      if (!merge) {
        problems.add("name: names the merged output; it needs mode: merge");
      } else if (name.isEmpty()
          || name.contains("/")
          || name.contains("\\")
          || name.equals(".")
          || name.equals("..")
          || name.indexOf('\0') >= 0) {
        problems.add("name: '" + name + "' is not a plain file name");
      }
    }
    return new OutputMode(merge, name);
  }

  @Override
  public String toString() {
    if (!merge) return "{mode: each}";
    return name == null ? "{mode: merge}" : "{mode: merge, name: " + name + "}";
  }

  /** The merged output's name before the compression suffix. */
  String mergedName() {
    return name != null ? name : DEFAULT_MERGED_NAME;
  }
}
