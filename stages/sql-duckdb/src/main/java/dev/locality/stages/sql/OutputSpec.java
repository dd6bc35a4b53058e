package dev.locality.stages.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stage's {@code output} option: {@code {format: parquet|csv|jsonl, name: <file name without
 * suffix>}}, both optional.
 *
 * @param format the file format; CSV when not given
 * @param name the file's name without its suffix, or null for the default (the single input's stem,
 *     else {@code result})
 */
record OutputSpec(OutputFormat format, String name) {
  static final String FORMAT = "format";
  static final String NAME = "name";
  static final String DEFAULT_NAME = "result";

  /** What is wrong with the option's value, each problem once; empty when it is fine. */
  static List<String> problems(Map<String, String> raw) {
    List<String> problems = new ArrayList<>();
    for (String key : raw.keySet())
      if (!Set.of(FORMAT, NAME).contains(key))
        problems.add("unknown key '" + key + "' (use format and name)");
    String format = raw.get(FORMAT);
    if (format != null) {
      try {
        OutputFormat.named(format);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    String name = raw.get(NAME);
    if (name != null && (!name.matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}")))
      problems.add(
          "name '"
              + name
              + "' must be a plain file name: letters, digits, '.', '_', '-', not starting with"
              + " '.' or '-', at most 200 characters");
    return problems;
  }

  /** The option's value, which passed {@link #problems}. */
  static OutputSpec of(Map<String, String> raw) {
    String format = raw.get(FORMAT);
    return new OutputSpec(
        format == null ? OutputFormat.CSV : OutputFormat.named(format), raw.get(NAME));
  }

  /** The output's file name, given the tables the query reads. */
  String fileName(List<InputTable> tables) {
    String base = name;
    if (base == null)
      base =
          tables.size() == 1
              ? InputTables.fileStem(tables.get(0).file().getFileName().toString())
              : DEFAULT_NAME;
    if (base.isEmpty() || base.startsWith(".")) base = DEFAULT_NAME;
    return base + "." + format.extension();
  }
}
