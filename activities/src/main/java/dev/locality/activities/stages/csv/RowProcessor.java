package dev.locality.activities.stages.csv;

import dev.cel.common.types.CelType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.locality.stage.BadInputException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-row steps of {@code transform-csv} for one file, in order: trim, null mapping, types,
 * filter, derive, and the projection to the output row ({@code select}, {@code rename}, derived
 * columns appended). Built once the header is known, which is when column names are checked and CEL
 * expressions compiled. Not thread-safe (it reuses its row buffers and CEL resolvers).
 */
final class RowProcessor {
  /** A row that cannot be used, with the reason written to the rejects file. */
  static final class Rejected extends Exception {
    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  private final TransformCsvConfig settings;
  private final ColumnPlan plan;
  private final List<String> outputNames;
  private final boolean[] trim;
  private final ColumnType[] types;
  private final CelRowFilter filter;
  private final List<String> derivedNames;
  private final List<CelRowFilter> derived;
  private final int[] keyIndexes;
  private final String[] text;
  private final Object[] values;

  private RowProcessor(
      TransformCsvConfig settings,
      ColumnPlan plan,
      List<String> outputNames,
      boolean[] trim,
      ColumnType[] types,
      CelRowFilter filter,
      Map<String, CelRowFilter> derived,
      int[] keyIndexes) {
    this.settings = settings;
    this.plan = plan;
    this.outputNames = outputNames;
    this.trim = trim;
    this.types = types;
    this.filter = filter;
    this.derivedNames = List.copyOf(derived.keySet());
    this.derived = List.copyOf(derived.values());
    this.keyIndexes = keyIndexes;
    this.text = new String[trim.length];
    this.values = new Object[trim.length];
  }

  /**
   * Plans the rows of one file.
   *
   * @throws BadInputException naming the option and the column when a column is unknown, or an
   *     expression does not compile against the file's columns
   */
  static RowProcessor of(List<String> header, TransformCsvConfig settings, String file) {
    ColumnPlan plan = ColumnPlan.of(header, settings.select(), settings.rename(), file);
    List<String> variables = plan.variableNames();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < variables.size(); i++) {
      if (index.put(variables.get(i), i) != null) {
        throw new BadInputException(
            "option 'rename': two columns of "
                + file
                + " would be named '"
                + variables.get(i)
                + "' (columns after renaming: "
                + String.join(", ", variables)
                + ")");
      }
    }

    boolean[] trim = new boolean[variables.size()];
    if (settings.trimAll()) java.util.Arrays.fill(trim, true);
    for (String column : settings.trim()) {
      trim[indexOf(index, column, TransformCsvOptions.TRIM.name(), file, variables)] = true;
    }
    ColumnType[] types = new ColumnType[variables.size()];
    settings
        .types()
        .forEach(
            (column, type) ->
                types[indexOf(index, column, TransformCsvOptions.TYPES.name(), file, variables)] =
                    type);

    Map<String, CelType> celTypes = new HashMap<>();
    for (String v : variables) celTypes.put(v, settings.celType(v));
    CelRowFilter filter =
        settings.filter() == null
            ? null
            : compile(settings.filter(), "filter", true, index, celTypes, settings, file);
    Map<String, CelRowFilter> derived = new LinkedHashMap<>();
    List<String> outputNames = new ArrayList<>(plan.outputNames());
    settings
        .derive()
        .forEach(
            (column, expression) -> {
              if (outputNames.contains(column)) {
                throw new BadInputException(
                    "option 'derive': column '"
                        + column
                        + "' of "
                        + file
                        + " is already an output column (output columns: "
                        + String.join(", ", outputNames)
                        + ")");
              }
              outputNames.add(column);
              derived.put(
                  column,
                  compile(expression, "derive." + column, false, index, celTypes, settings, file));
            });
    int[] keys = null;
    if (settings.dedupe() != null) {
      Map<String, Integer> outputIndex = new HashMap<>();
      for (int i = 0; i < outputNames.size(); i++) outputIndex.put(outputNames.get(i), i);
      keys = new int[settings.dedupe().size()];
      for (int k = 0; k < keys.length; k++) {
        keys[k] =
            indexOf(
                outputIndex,
                settings.dedupe().get(k),
                TransformCsvOptions.DEDUPE.name(),
                file,
                outputNames);
      }
    }
    return new RowProcessor(
        settings, plan, List.copyOf(outputNames), trim, types, filter, derived, keys);
  }

  /** The output header: selected columns (renamed), then derived ones. */
  List<String> outputNames() {
    return outputNames;
  }

  /** The output columns with their declared types (derived columns are text). */
  OutputColumns outputColumns() {
    int[] sources = plan.sourceIndexes();
    List<ColumnType> outputTypes = new ArrayList<>();
    for (int source : sources) outputTypes.add(types[source]);
    for (int d = 0; d < derived.size(); d++) outputTypes.add(null);
    return new OutputColumns(outputNames, outputTypes);
  }

  /** For each output column taken from the input, its field index (derived ones follow them). */
  int[] sourceIndexes() {
    return plan.sourceIndexes();
  }

  /**
   * The input fields the filter reads (none without a filter): a caller of {@link #keeps} need only
   * set these elements.
   */
  int[] filterFields() {
    return filter == null ? new int[0] : filter.fieldsUsed();
  }

  /** Whether there is a filter. */
  boolean filters() {
    return filter != null;
  }

  /**
   * Whether the filter keeps a row of values indexed by input field (nulls as null); true without a
   * filter.
   *
   * @throws Rejected with the reason when the filter fails on the row
   */
  boolean keeps(Object[] values) throws Rejected {
    if (filter == null) return true;
    try {
      return filter.test(values);
    } catch (CelEvaluationException e) {
      throw new Rejected("filter: " + e.getMessage());
    }
  }

  /** Whether rows are deduplicated. */
  boolean dedupes() {
    return keyIndexes != null;
  }

  /** The key of an output row, for dedupe. */
  String[] key(String[] outputRow) {
    String[] key = new String[keyIndexes.length];
    for (int i = 0; i < key.length; i++) key[i] = outputRow[keyIndexes[i]];
    return key;
  }

  /**
   * Processes one row with as many fields as the header.
   *
   * @return the output row (null values for nulls), or null when the filter drops it
   * @throws Rejected with the reason when a value does not convert or an expression fails
   */
  String[] process(String[] record) throws Rejected {
    for (int i = 0; i < text.length; i++) {
      String value = record[i];
      if (trim[i]) value = value.strip();
      if ((settings.emptyAsNull() && value.isEmpty()) || value.equals(settings.nullValue())) {
        text[i] = null;
        values[i] = null;
        continue;
      }
      if (types[i] == null) {
        text[i] = value;
        values[i] = value;
      } else {
        try {
          ColumnType.Value converted = types[i].convert(value);
          text[i] = converted.text();
          values[i] = converted.cel();
        } catch (IllegalArgumentException e) {
          throw new Rejected("column '" + plan.variableNames().get(i) + "': " + e.getMessage());
        }
      }
    }
    if (!keeps(values)) return null;
    int[] sources = plan.sourceIndexes();
    String[] out = new String[sources.length + derived.size()];
    for (int i = 0; i < sources.length; i++) out[i] = text[sources[i]];
    for (int d = 0; d < derived.size(); d++) {
      Object result;
      try {
        result = derived.get(d).eval(values);
      } catch (CelEvaluationException e) {
        throw new Rejected("derive '" + derivedNames.get(d) + "': " + e.getMessage());
      }
      out[sources.length + d] = asText(result, derivedNames.get(d));
    }
    return out;
  }

  /** How a derived value is written: numbers in plain notation, null as null. */
  static String asText(Object result, String column) throws Rejected {
    if (result == null || result instanceof NullValue) return null;
    if (result instanceof String s) return s;
    if (result instanceof Boolean || result instanceof Long) return result.toString();
    if (result instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : BigDecimal.valueOf(d).toPlainString();
    }
    if (result instanceof Number
        || result instanceof java.time.Instant
        || result instanceof java.time.Duration) return result.toString();
    if (result.getClass().getSimpleName().equals("UnsignedLong")) return result.toString();
    throw new Rejected(
        "derive '"
            + column
            + "' returned a "
            + result.getClass().getSimpleName()
            + "; only strings, numbers, bools, timestamps and null can be written");
  }

  private static CelRowFilter compile(
      String expression,
      String sourceName,
      boolean bool,
      Map<String, Integer> index,
      Map<String, CelType> types,
      TransformCsvConfig settings,
      String file) {
    try {
      return CelRowFilter.compile(
          expression, sourceName, bool, index, types, settings.usePlanner());
    } catch (IllegalArgumentException e) {
      String option = sourceName.startsWith("derive.") ? "derive" : sourceName;
      throw new BadInputException(
          "option '"
              + option
              + "'"
              + (sourceName.startsWith("derive.")
                  ? " (column '" + sourceName.substring(7) + "')"
                  : "")
              + " does not compile against the columns of "
              + file
              + " ("
              + String.join(", ", index.keySet().stream().sorted().toList())
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static int indexOf(
      Map<String, Integer> index, String column, String option, String file, List<String> known) {
    Integer i = index.get(column);
    if (i == null) {
      throw new BadInputException(
          "option '"
              + option
              + "': unknown column '"
              + column
              + "' in "
              + file
              + " (available columns: "
              + String.join(", ", known)
              + ")");
    }
    return i;
  }
}
