package dev.locality.activities.stages.csv;

import dev.locality.stage.BadInputException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which input columns a CSV transform writes, in which order and under which names: {@code select}
 * (keep and order; none means all), then {@code rename} (old name to new name), and the names the
 * filter sees: every input column, renamed where renamed (so a filter may use a column that is not
 * selected). Immutable.
 *
 * @param sourceIndexes for each output column, its field index in the input rows
 * @param outputNames the output header
 * @param variableNames for each input column, its name in the filter
 */
record ColumnPlan(int[] sourceIndexes, List<String> outputNames, List<String> variableNames) {

  /**
   * Problems visible without the data, as (option, message) pairs: a column selected twice, an
   * empty new name, two output columns with one name.
   */
  static Map<String, String> problems(List<String> select, Map<String, String> rename) {
    Map<String, String> problems = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : rename.entrySet()) {
      if (e.getValue().isEmpty()) {
        problems.put("rename", "column '" + e.getKey() + "' is renamed to an empty name");
        break;
      }
    }
    if (select != null) {
      String twice = firstDuplicate(select);
      if (twice != null) {
        problems.put("select", "column '" + twice + "' is selected twice");
      } else if (!problems.containsKey("rename")) {
        String duplicate = firstDuplicate(renamed(select, rename));
        if (duplicate != null) {
          problems.put("rename", "two output columns would be named '" + duplicate + "'");
        }
      }
    }
    return problems;
  }

  /** The output names of the selected columns after renaming. */
  static List<String> renamed(List<String> columns, Map<String, String> rename) {
    return columns.stream().map(c -> rename.getOrDefault(c, c)).toList();
  }

  /**
   * Plans the columns of one file.
   *
   * @param file the file's name for messages
   * @throws BadInputException naming the option, the unknown or ambiguous column, the file and the
   *     available columns
   */
  static ColumnPlan of(
      List<String> header, List<String> select, Map<String, String> rename, String file) {
    List<String> chosen = select == null ? header : select;
    int[] indexes = new int[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      indexes[i] = select == null ? i : indexOf(header, chosen.get(i), "select", file);
    }
    for (String old : rename.keySet()) {
      indexOf(header, old, "rename", file);
    }
    List<String> names = renamed(chosen, rename);
    String duplicate = firstDuplicate(names);
    if (duplicate != null && (select != null || !rename.isEmpty())) {
      throw new BadInputException(
          "option '"
              + (rename.isEmpty() ? "select" : "rename")
              + "': two output columns of "
              + file
              + " would be named '"
              + duplicate
              + "' (output columns: "
              + names
              + ")");
    }
    return new ColumnPlan(indexes, names, renamed(header, rename));
  }

  private static int indexOf(List<String> header, String column, String option, String file) {
    int index = header.indexOf(column);
    if (index < 0) {
      throw new BadInputException(
          "option '"
              + option
              + "': unknown column '"
              + column
              + "' in "
              + file
              + " (available columns: "
              + String.join(", ", header)
              + ")");
    }
    if (header.lastIndexOf(column) != index) {
      throw new BadInputException(
          "option '"
              + option
              + "': column '"
              + column
              + "' occurs more than once in the header of "
              + file);
    }
    return index;
  }

  private static String firstDuplicate(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) return name;
    }
    return null;
  }
}
