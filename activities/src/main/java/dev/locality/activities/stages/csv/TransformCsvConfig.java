package dev.locality.activities.stages.csv;

import static dev.locality.activities.stages.csv.TransformCsvOptions.*;

import dev.cel.common.types.CelType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.StageConfig;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * The options of one {@link TransformCsvStage} run, read and cross-checked: what can be checked
 * without the data is checked here (the checks that need the header are in {@link ColumnPlan}).
 * Immutable.
 *
 * @param select columns to keep, or null for all
 * @param rename old name to new name
 * @param types column (new name) to type
 * @param trimAll whether every column is trimmed
 * @param trim columns (new names) to trim when not {@code trimAll}
 * @param filter the CEL filter or null
 * @param derive new column to CEL expression, in output order
 * @param dedupe key columns (output names), or null
 * @param header the given column names, or null when the first row is the header
 * @param skipLines lines skipped before the header or first row
 * @param encoding the input charset
 * @param emptyAsNull whether empty fields are null
 * @param nullValue the text that means null, or null
 * @param inputFormat how input files are parsed
 * @param outputFormat how output files are printed
 * @param outputHeader whether the output starts with a header row
 * @param nonNumericQuoting whether numbers print unquoted and all else quoted
 * @param compression output compression (of CSV and JSON Lines files)
 * @param output the output format and its Parquet settings
 * @param partitionBy output columns to partition by, or null
 * @param maxRejects the reject budget
 * @param usePlanner which CEL runtime
 */
record TransformCsvConfig(
    List<String> select,
    Map<String, String> rename,
    Map<String, ColumnType> types,
    boolean trimAll,
    Set<String> trim,
    String filter,
    Map<String, String> derive,
    List<String> dedupe,
    List<String> header,
    long skipLines,
    Charset encoding,
    boolean emptyAsNull,
    String nullValue,
    CSVFormat inputFormat,
    CSVFormat outputFormat,
    boolean outputHeader,
    boolean nonNumericQuoting,
    OutputCompression compression,
    OutputSpec output,
    List<String> partitionBy,
    RejectLimit maxRejects,
    boolean usePlanner) {

  /** The value of {@code header} meaning the first row holds the names. */
  static final String FIRST_ROW = "first-row";

  /** Whether some value may be null, so columns are declared nullable in CEL. */
  boolean nullable() {
    return emptyAsNull || nullValue != null;
  }

  /** The CEL type of a column (by its new name). */
  CelType celType(String column) {
    ColumnType type = types.get(column);
    CelType base = type == null ? SimpleType.STRING : type.celType();
    return nullable() ? NullableType.create(base) : base;
  }

  /**
   * Reads the options.
   *
   * @throws BadInputException listing every problem
   */
  static TransformCsvConfig read(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    TransformCsvConfig settings = read(config, problems);
    if (!problems.isEmpty()) {
      throw new BadInputException(
          String.join(
              "; ",
              problems.stream().map(p -> "option '" + p.key() + "': " + p.message()).toList()));
    }
    return settings;
  }

  /** Reads the options, adding every problem to {@code problems} (then the result is partial). */
  static TransformCsvConfig read(StageConfig config, List<OptionProblem> problems) {
    Reader r = new Reader(config, problems);
    List<String> select = r.get(SELECT);
    Map<String, String> rename = orEmpty(r.get(RENAME));
    ColumnPlan.problems(select, rename).forEach(r::problem);

    Map<String, ColumnType> types = new LinkedHashMap<>();
    orEmpty(r.get(TYPES))
        .forEach(
            (column, spec) -> {
              try {
                types.put(column, ColumnType.parse(spec));
              } catch (IllegalArgumentException e) {
                r.problem(TYPES.name(), "column '" + column + "': " + e.getMessage());
              }
            });
    List<String> trimOption = r.get(TRIM);
    boolean trimAll = trimOption != null && trimOption.equals(ALL_COLUMNS);
    Set<String> trim = trimOption == null || trimAll ? Set.of() : Set.copyOf(trimOption);

    List<String> header = r.get(HEADER);
    if (header != null && header.equals(List.of(FIRST_ROW))) header = null;
    if (header != null) {
      String duplicate = firstDuplicate(header);
      if (duplicate != null) r.problem(HEADER.name(), "column '" + duplicate + "' is named twice");
      if (header.stream().anyMatch(String::isEmpty))
        r.problem(HEADER.name(), "column names must not be empty");
    }
    Charset encoding = null;
    try {
      encoding = Charset.forName(r.get(ENCODING));
    } catch (RuntimeException e) {
      r.problem(ENCODING.name(), "unknown or unsupported encoding '" + r.get(ENCODING) + "'");
    }
    Boolean emptyAsNull = r.get(EMPTY_AS_NULL);
    String nullValue = r.get(NULL_VALUE);

    Character delimiter = r.character(DELIMITER);
    Character quote = r.character(QUOTE);
    Character escape = r.character(ESCAPE);
    Character comment = r.character(COMMENT_MARKER);
    r.distinct(
        List.of(DELIMITER, QUOTE, ESCAPE, COMMENT_MARKER), delimiter, quote, escape, comment);

    Character outputDelimiter = r.character(OUTPUT_DELIMITER);
    String quoteMode = r.get(QUOTE_MODE);
    String lineEnding = r.get(LINE_ENDING);
    Boolean outputHeader = r.get(OUTPUT_HEADER);
    String compression = r.get(OUTPUT_COMPRESSION);
    RejectLimit maxRejects = r.get(MAX_REJECTS);
    OutputSpec output = r.get(OUTPUT);
    List<String> partitionBy = r.get(PARTITION_BY);
    if (partitionBy != null) {
      String duplicate = firstDuplicate(partitionBy);
      if (duplicate != null)
        r.problem(PARTITION_BY.name(), "column '" + duplicate + "' is named twice");
    }
    if (output != null && output.format() == OutputFormat.PARQUET) {
      if (compression != null && !compression.equals(OutputCompression.NONE.optionValue)) {
        r.problem(
            OUTPUT_COMPRESSION.name(),
            "Parquet files compress their pages themselves: use output.codec ("
                + compression
                + ") instead");
      }
      types.forEach(
          (column, type) -> {
            if (type.storage() == ColumnType.Storage.DECIMAL_TEXT) {
              r.problem(
                  TYPES.name(),
                  "column '"
                      + column
                      + "': Parquet output needs the precision and scale of a decimal, e.g."
                      + " decimal(18,2)");
            }
          });
    }

    String filter = r.get(FILTER);
    boolean nullable = Boolean.TRUE.equals(emptyAsNull) || nullValue != null;
    Function<String, CelType> typeOf =
        column -> {
          ColumnType type = types.get(column);
          CelType base = type == null ? SimpleType.STRING : type.celType();
          return nullable ? NullableType.create(base) : base;
        };
    if (filter != null) {
      String problem = CelRowFilter.earlyProblem(filter, FILTER.name(), true, typeOf);
      if (problem != null) r.problem(FILTER.name(), problem);
    }
    Map<String, String> derive = orEmpty(r.get(DERIVE));
    derive.forEach(
        (column, expression) -> {
          if (column.isEmpty()) r.problem(DERIVE.name(), "a derived column needs a name");
          String problem =
              CelRowFilter.earlyProblem(expression, DERIVE.name() + "." + column, false, typeOf);
          if (problem != null) r.problem(DERIVE.name(), "column '" + column + "': " + problem);
        });
    List<String> dedupe = r.get(DEDUPE);
    if (dedupe != null) {
      if (dedupe.isEmpty()) r.problem(DEDUPE.name(), "name at least one key column");
      String duplicate = firstDuplicate(dedupe);
      if (duplicate != null)
        r.problem(DEDUPE.name(), "key column '" + duplicate + "' is named twice");
    }
    if (!problems.isEmpty()) return null;

    CSVFormat inputFormat =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(delimiter)
            .setQuote(quote)
            .setEscape(escape)
            .setCommentMarker(comment)
            .get();
    QuoteMode mode =
        switch (quoteMode) {
          case "all" -> QuoteMode.ALL;
          case "non-numeric" -> QuoteMode.NON_NUMERIC;
          case "none" -> QuoteMode.NONE;
          default -> QuoteMode.MINIMAL;
        };
    CSVFormat outputFormat =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(outputDelimiter)
            .setQuoteMode(mode)
            .setEscape(mode == QuoteMode.NONE ? Character.valueOf('\\') : null)
            .setNullString(nullValue == null ? "" : nullValue)
            .setRecordSeparator(lineEnding.equals("crlf") ? "\r\n" : "\n")
            .get();
    return new TransformCsvConfig(
        select,
        rename,
        Map.copyOf(types),
        trimAll,
        trim,
        filter,
        derive,
        dedupe,
        header,
        r.get(SKIP_LINES),
        encoding,
        emptyAsNull,
        nullValue,
        inputFormat,
        outputFormat,
        outputHeader,
        mode == QuoteMode.NON_NUMERIC,
        OutputCompression.fromOption(compression),
        output,
        partitionBy,
        maxRejects,
        CelRowFilter.USE_PLANNER);
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  static String firstDuplicate(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) return name;
    }
    return null;
  }

  /** Reads options, turning conversion failures into problems. */
  private static final class Reader {
    private final StageConfig config;
    private final List<OptionProblem> problems;
    private final Set<String> failed = new HashSet<>();

    Reader(StageConfig config, List<OptionProblem> problems) {
      this.config = config;
      this.problems = problems;
    }

    <T> T get(OptionSpec<T> option) {
      try {
        return config.get(option);
      } catch (IllegalArgumentException e) {
        if (failed.add(option.name())) problem(option.name(), e.getMessage());
        return null;
      }
    }

    Character character(OptionSpec<String> option) {
      String value = get(option);
      if (value == null) return null;
      if (value.length() != 1 || value.equals("\n") || value.equals("\r")) {
        if (failed.add(option.name()))
          problem(
              option.name(), "expected one character other than a line break, got '" + value + "'");
        return null;
      }
      return value.charAt(0);
    }

    void distinct(List<OptionSpec<String>> options, Character... values) {
      for (int i = 0; i < values.length; i++) {
        for (int j = i + 1; j < values.length; j++) {
          if (values[i] != null && values[i].equals(values[j])) {
            problem(
                options.get(j).name(),
                "'"
                    + values[j]
                    + "' is also the "
                    + options.get(i).name()
                    + "; the input's special characters must differ");
          }
        }
      }
    }

    void problem(String key, String message) {
      problems.add(new OptionProblem(key, message));
    }
  }
}
