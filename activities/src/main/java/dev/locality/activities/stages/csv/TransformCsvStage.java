package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.internal.ArtifactNames;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.stage.Artifact;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code transform-csv}: reads CSV files and, row by row, selects, renames, types, trims,
 * filters (CEL), derives (CEL) and deduplicates, writing one CSV file per input.
 *
 * <pre>{@code
 * - type: transform-csv
 *   delimiter: ";"
 *   select: [region, amount, day]
 *   rename: {day: date}
 *   types: {amount: decimal, date: "date:dd.MM.yyyy"}
 *   trim: true
 *   filter: region == "EU" && amount > 10.0
 *   derive: {amount_cents: "int(amount * 100.0)"}
 *   dedupe: [region, date]
 *   maxRejects: "1%"
 *   outputCompression: gzip
 * }</pre>
 *
 * <h2>Input options</h2>
 *
 * <table>
 *   <caption>Input options</caption>
 *   <tr><th>option</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>delimiter</td><td>string (1 char)</td><td>{@code ,}</td><td>field delimiter</td></tr>
 *   <tr><td>quote</td><td>string (1 char)</td><td>{@code "}</td><td>quote character</td></tr>
 *   <tr><td>escape</td><td>string (1 char)</td><td>none</td><td>escape character (for example
 *       {@code \}); none means quotes are escaped by doubling them (RFC 4180)</td></tr>
 *   <tr><td>header</td><td>{@code first-row} or list&lt;string&gt;</td><td>{@code first-row}</td>
 *       <td>{@code first-row}: the first row (after {@code skipLines}) names the columns; a list:
 *       the column names, and the file has no header row</td></tr>
 *   <tr><td>encoding</td><td>string</td><td>{@code UTF-8}</td><td>the input's charset (any Java
 *       name: {@code ISO-8859-1}, {@code windows-1252}, {@code UTF-16}); undecodable bytes are bad
 *       input; a leading byte order mark is dropped. Output is always UTF-8</td></tr>
 *   <tr><td>skipLines</td><td>integer</td><td>0</td><td>physical lines skipped before the header
 *       (or first row); line numbers in messages still count them</td></tr>
 *   <tr><td>commentMarker</td><td>string (1 char)</td><td>none</td><td>lines starting with it are
 *       ignored</td></tr>
 *   <tr><td>emptyAsNull</td><td>boolean</td><td>false</td><td>empty fields (after trimming) are
 *       null</td></tr>
 *   <tr><td>nullValue</td><td>string</td><td>none</td><td>a field equal to this text (after
 *       trimming; {@code NULL}, {@code \N}) is null; also how nulls are written</td></tr>
 * </table>
 *
 * <h2>Operations, in this order</h2>
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>option</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>select</td><td>list&lt;string&gt;</td><td>all</td><td>input columns to write, in
 *       output order</td></tr>
 *   <tr><td>rename</td><td>map old→new</td><td>none</td><td>renames columns; every later option
 *       and expression uses the new names</td></tr>
 *   <tr><td>types</td><td>map column→type</td><td>none (all strings)</td><td>{@code int}, {@code
 *       long}, {@code decimal}, {@code boolean}, {@code date:<pattern>}, {@code
 *       timestamp:<pattern>} (see {@link ColumnType}): a value that does not parse rejects the row
 *       ("column 'x': 'abc' is not an int"); typed values are written normalised and reach CEL
 *       with their CEL type (int, double, bool; dates and timestamps as ISO strings)</td></tr>
 *   <tr><td>trim</td><td>boolean or list&lt;string&gt;</td><td>false</td><td>strips leading and
 *       trailing white space of all (true) or the listed columns. Applied before types and null
 *       mapping, so {@code " 12 "} is a valid int. With {@code true} the header row's names are
 *       trimmed too (two names equal after trimming are bad input)</td></tr>
 *   <tr><td>filter</td><td>CEL → bool</td><td>none</td><td>keeps rows where true</td></tr>
 *   <tr><td>derive</td><td>map column→CEL</td><td>none</td><td>new columns appended to the output
 *       in the given order, evaluated on kept rows only; an evaluation error rejects the row;
 *       numbers are written in plain notation, null as null</td></tr>
 *   <tr><td>dedupe</td><td>list&lt;string&gt;</td><td>none</td><td>output columns (new names,
 *       derived ones too) forming a key: only the first row of each key per file is kept (see
 *       {@link DuplicateFilter}; memory bounded by the worker setting {@value
 *       #DEDUPE_MEMORY_KEYS_SETTING}, then it spills to disk). Duplicates count as filtered; the
 *       split is logged</td></tr>
 * </table>
 *
 * <p>CEL variables: every input column (selected or not) under its new name. A column is a CEL
 * {@code string}, or its type's CEL type. With {@code emptyAsNull} or {@code nullValue} every
 * column is declared nullable: compare with {@code x == null}; using a null in an operation ({@code
 * x > 3}, {@code x.startsWith('a')}) is an evaluation error, which rejects the row, so guard it
 * ({@code x != null && x > 3}). Derived columns are not visible to the filter or to other derived
 * columns.
 *
 * <h2>Output options</h2>
 *
 * <table>
 *   <caption>Output options</caption>
 *   <tr><th>option</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>outputDelimiter</td><td>string (1 char)</td><td>{@code ,}</td><td>output field
 *       delimiter</td></tr>
 *   <tr><td>quoteMode</td><td>string</td><td>{@code minimal}</td><td>{@code minimal}: quote only
 *       where needed (RFC 4180); {@code all}; {@code non-numeric}: quote every value that is not a
 *       number; {@code none}: never quote, escape delimiters, quotes and line breaks with {@code
 *       \}</td></tr>
 *   <tr><td>outputHeader</td><td>boolean</td><td>true</td><td>write the header row</td></tr>
 *   <tr><td>lineEnding</td><td>string</td><td>{@code lf}</td><td>{@code lf} or {@code
 *       crlf}</td></tr>
 *   <tr><td>outputCompression</td><td>string</td><td>{@code none}</td><td>{@code none}, {@code
 *       gzip} or {@code zstd}; the output's name gets {@code .gz} or {@code .zst}</td></tr>
 *   <tr><td>maxRejects</td><td>integer or percentage</td><td>1000</td><td>rejected rows the stage
 *       tolerates over all inputs (see {@link RejectLimit}): a count stops the stage at the first
 *       reject over it ({@code 100}: the 101st); a percentage ({@code "1%"}) is judged on the whole
 *       input: the stage reads everything and fails at the end only if the final rate is over it.
 *       Either way the failure is bad input naming the count, rate and first bad rows, and leaves
 *       no output</td></tr>
 * </table>
 *
 * <p>Worker setting {@value #DEDUPE_MEMORY_KEYS_SETTING} (integer, default 1000000): distinct
 * dedupe keys held in memory per file (about 34 bytes each) before rows spill to the output
 * directory.
 *
 * <p>Worker setting {@value #MAX_CSV_FIELD_BYTES_SETTING} (size, default {@value
 * #DEFAULT_MAX_CSV_FIELD_BYTES}, at least 64k): the largest record, counted in characters plus
 * {@value RecordSizeGuard#FIELD_WEIGHT} per field. A larger field or record (typically everything
 * after an unbalanced quote) is bad input naming the line where the record started, found after
 * reading at most that much of it: the heap a record takes is bounded, never an {@link
 * OutOfMemoryError}.
 *
 * <p>Each data input gives one output of the same name (relative to the inputs' common directory,
 * plus the compression suffix), UTF-8. Rejects: a row with a different number of fields than the
 * header, a value that does not parse as its type, or an expression that fails to evaluate goes to
 * {@code <name>.rejects.csv} next to the output (columns {@code line,reason,raw}), handed on as a
 * {@code rejects} artifact so that {@code upload} publishes it next to the output. Names are
 * planned for all inputs first and never collide ({@link OutputNames}): when an input already has
 * that name the rejects go to {@code <name>.rejects-2.csv}; a name over 255 bytes is shortened with
 * a hash. Artifacts that are not data pass through unchanged (the framework appends them).
 *
 * <p>Bad input (the stage fails, leaving no file): an empty file, duplicate header names, an
 * unknown column in any option, an expression that does not compile, a bad type or option value,
 * malformed CSV (an unbalanced quote), a NUL character (binary or UTF-16 text), a record over
 * {@value #MAX_CSV_FIELD_BYTES_SETTING}, undecodable text, too many rejects; each names the file
 * and line where there is one. Metrics satisfy {@code rowsIn == rowsOut + rowsFiltered +
 * rowsRejected}; heartbeats carry rows read. Thread-safe and stateless.
 */
public final class TransformCsvStage implements Stage {
  public static final String TYPE = "transform-csv";
  private static final Logger LOG = LoggerFactory.getLogger("dev.locality.stage." + TYPE);

  /** Worker setting: distinct dedupe keys kept in memory per file before spilling to disk. */
  public static final String DEDUPE_MEMORY_KEYS_SETTING = "dedupeMemoryKeys";

  static final int DEFAULT_DEDUPE_MEMORY_KEYS = 1_000_000;

  /**
   * Worker setting: the largest CSV field or record (characters, plus {@value
   * RecordSizeGuard#FIELD_WEIGHT} per field), a byte size like {@code 16m}; a larger one is bad
   * input. Bounds the heap one record can take, whatever the input (an unbalanced quote).
   */
  public static final String MAX_CSV_FIELD_BYTES_SETTING = "maxCsvFieldBytes";

  /** The default of {@link #MAX_CSV_FIELD_BYTES_SETTING}. */
  public static final String DEFAULT_MAX_CSV_FIELD_BYTES = "16m";

  /** The value of {@link #TRIM} meaning every column. */
  static final List<String> ALL_COLUMNS = List.of("*");

  public static final OptionSpec<String> DELIMITER =
      character("delimiter", ",", "Field delimiter of the input files");

  public static final OptionSpec<String> QUOTE =
      character("quote", "\"", "Quote character of the input files");

  public static final OptionSpec<String> ESCAPE =
      character(
          "escape",
          null,
          "Escape character of the input files (e.g. \\); default none: quotes are doubled");

  public static final OptionSpec<List<String>> HEADER =
      OptionSpec.builder("header", OptionType.STRING_LIST)
          .description(
              "first-row: the first row names the columns; or the list of column names, and the"
                  + " files have no header row")
          .defaultValue(List.of(CsvSettings.FIRST_ROW))
          .build();

  public static final OptionSpec<String> ENCODING =
      OptionSpec.builder("encoding", OptionType.STRING)
          .description("Charset of the input files; a byte order mark is dropped; output is UTF-8")
          .defaultValue("UTF-8")
          .validator(
              e -> {
                try {
                  Charset.forName(e);
                  return null;
                } catch (RuntimeException ex) {
                  return "unknown or unsupported encoding '" + e + "'";
                }
              })
          .build();

  public static final OptionSpec<Long> SKIP_LINES =
      OptionSpec.builder("skipLines", OptionType.INTEGER)
          .description("Lines to skip at the start of each file, before the header or first row")
          .defaultValue(0L)
          .validator(n -> n < 0 ? "must be 0 or more" : null)
          .build();

  public static final OptionSpec<String> COMMENT_MARKER =
      character("commentMarker", null, "Lines starting with this character are ignored");

  public static final OptionSpec<Boolean> EMPTY_AS_NULL =
      OptionSpec.builder("emptyAsNull", OptionType.BOOLEAN)
          .description("Empty fields are null (CEL null; written empty or as nullValue)")
          .defaultValue(false)
          .build();

  public static final OptionSpec<String> NULL_VALUE =
      OptionSpec.builder("nullValue", OptionType.STRING)
          .description("A field equal to this text is null; nulls are also written as this text")
          .build();

  public static final OptionSpec<List<String>> SELECT =
      OptionSpec.builder("select", OptionType.STRING_LIST)
          .description("Columns to keep, in output order; default all columns in input order")
          .validator(list -> list.isEmpty() ? "select at least one column" : null)
          .build();

  public static final OptionSpec<Map<String, String>> RENAME =
      OptionSpec.builder("rename", OptionType.STRING_MAP)
          .description(
              "Columns to rename, old name to new name; later options and expressions use the new"
                  + " names")
          .defaultValue(Map.of())
          .build();

  public static final OptionSpec<Map<String, String>> TYPES =
      OptionSpec.builder("types", OptionType.STRING_MAP)
          .description(
              "Column types: int, long, decimal, boolean, date:<pattern>, timestamp:<pattern>;"
                  + " values that do not parse reject the row; CEL sees int, double, bool, string")
          .defaultValue(Map.of())
          .build();

  public static final OptionSpec<List<String>> TRIM =
      OptionSpec.builder(
              "trim",
              OptionType.<List<String>>simple(
                  "boolean|list<string>",
                  raw -> {
                    if (raw instanceof Boolean b) return b ? ALL_COLUMNS : List.of();
                    if ("true".equals(raw)) return ALL_COLUMNS;
                    if ("false".equals(raw)) return List.of();
                    return OptionType.STRING_LIST.convert(raw);
                  }))
          .description("Strip white space around values: true for all columns, or a list")
          .defaultValue(List.of())
          .build();

  public static final OptionSpec<String> FILTER =
      OptionSpec.builder("filter", OptionType.STRING)
          .description(
              "CEL expression returning bool over the row's columns (new names, selected or not,"
                  + " typed per types); rows where it is false are dropped")
          .build();

  public static final OptionSpec<Map<String, String>> DERIVE =
      OptionSpec.builder("derive", OptionType.STRING_MAP)
          .description(
              "New columns appended to the output, name to CEL expression over the row's columns;"
                  + " evaluated on kept rows only")
          .defaultValue(Map.of())
          .build();

  public static final OptionSpec<List<String>> DEDUPE =
      OptionSpec.builder("dedupe", OptionType.STRING_LIST)
          .description(
              "Output columns forming a key; only the first row of each key is kept per file"
                  + " (duplicates count as filtered)")
          .build();

  public static final OptionSpec<String> OUTPUT_DELIMITER =
      character("outputDelimiter", ",", "Field delimiter of the output files");

  public static final OptionSpec<String> QUOTE_MODE =
      OptionSpec.builder("quoteMode", OptionType.STRING)
          .description(
              "minimal (quote where needed), all, non-numeric (quote all but numbers), none"
                  + " (escape with \\ instead)")
          .defaultValue("minimal")
          .allowedValues("minimal", "all", "non-numeric", "none")
          .build();

  public static final OptionSpec<Boolean> OUTPUT_HEADER =
      OptionSpec.builder("outputHeader", OptionType.BOOLEAN)
          .description("Whether output files start with a header row")
          .defaultValue(true)
          .build();

  public static final OptionSpec<String> LINE_ENDING =
      OptionSpec.builder("lineEnding", OptionType.STRING)
          .description("Line ending of the output files: lf or crlf")
          .defaultValue("lf")
          .allowedValues("lf", "crlf")
          .build();

  public static final OptionSpec<String> OUTPUT_COMPRESSION =
      OptionSpec.builder("outputCompression", OptionType.STRING)
          .description("none, gzip or zstd; output names get .gz or .zst")
          .defaultValue(OutputCompression.NONE.optionValue)
          .allowedValues("none", "gzip", "zstd")
          .build();

  public static final OptionSpec<RejectLimit> MAX_REJECTS =
      OptionSpec.builder("maxRejects", RejectLimit.TYPE)
          .description(
              "Rejected rows (wrong field count, bad value for its type, expression error)"
                  + " tolerated over all inputs; they go to <name>.rejects.csv. A count like 1000"
                  + " stops the stage at the first reject over it; a percentage like \"1%\" is"
                  + " judged on the whole input: the stage fails at the end if the final rate is"
                  + " over it")
          .defaultValue(RejectLimit.count(1000))
          .build();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Selects, renames, types, trims, filters (CEL), derives (CEL) and dedupes the columns"
        + " and rows of CSV files";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(
        DELIMITER,
        QUOTE,
        ESCAPE,
        HEADER,
        ENCODING,
        SKIP_LINES,
        COMMENT_MARKER,
        EMPTY_AS_NULL,
        NULL_VALUE,
        SELECT,
        RENAME,
        TYPES,
        TRIM,
        FILTER,
        DERIVE,
        DEDUPE,
        OUTPUT_DELIMITER,
        QUOTE_MODE,
        OUTPUT_HEADER,
        LINE_ENDING,
        OUTPUT_COMPRESSION,
        MAX_REJECTS);
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    CsvSettings.read(config, problems);
    return problems;
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    CsvSettings settings = CsvSettings.read(input.config());
    int memoryKeys = dedupeMemoryKeys(context);
    long maxRecordBytes = maxCsvFieldBytes(context);
    context.heartbeat(Progress.rows(0));
    CsvFileTransform transform =
        new CsvFileTransform(
            settings,
            memoryKeys,
            maxRecordBytes,
            context::progressRows,
            LOG,
            context::createOutput);
    List<Artifact> data = input.artifacts();
    List<String> names = ArtifactNames.relativeToCommonParent(data);
    OutputNames planned = OutputNames.plan(names, settings.compression().suffix);
    List<Artifact> outputs = new ArrayList<>();
    long bytesIn = 0;
    for (int i = 0; i < names.size(); i++) {
      Artifact artifact = data.get(i);
      Path source = context.resolve(artifact);
      bytesIn += Files.size(source);
      OutputNames.Planned p = planned.get(i);
      CsvFileTransform.FileResult result =
          transform.transform(
              source,
              artifact.fileName(),
              inside(context, p.output(), names.get(i)),
              inside(context, p.rejects(), names.get(i)),
              inside(context, p.scratch(), names.get(i)));
      outputs.add(context.artifact(result.output(), result.rowsOut()));
      if (result.rejects() != null) {
        outputs.add(
            context.artifact(result.rejects(), result.rowsRejected()).withKind(Artifact.REJECTS));
      }
    }
    transform.checkRejectsAtEnd();
    context.heartbeat(Progress.rows(transform.rowsIn()));
    if (settings.dedupe() != null) {
      LOG.info(
          "rows filtered {} = {} by the filter + {} duplicates",
          transform.rowsFiltered(),
          transform.rowsFiltered() - transform.rowsDeduplicated(),
          transform.rowsDeduplicated());
    }
    return StageResult.of(
        outputs,
        new StageMetrics(
            bytesIn,
            transform.bytesOut(),
            transform.rowsIn(),
            transform.rowsOut(),
            transform.rowsFiltered(),
            transform.rowsRejected()));
  }

  private static Path inside(StageContext context, String name, String input) {
    return SafePaths.resolveInside(context.outputDir(), name, "the inputs (" + input + ")");
  }

  /**
   * The worker setting {@value #MAX_CSV_FIELD_BYTES_SETTING}, default {@value
   * #DEFAULT_MAX_CSV_FIELD_BYTES}.
   *
   * @throws IllegalStateException when it is not a size of at least {@link
   *     RecordSizeGuard#MIN_LIMIT} bytes (a worker configuration error, checked at start-up too)
   */
  static long maxCsvFieldBytes(StageContext context) {
    String value =
        context.workerSetting(MAX_CSV_FIELD_BYTES_SETTING).orElse(DEFAULT_MAX_CSV_FIELD_BYTES);
    long bytes;
    try {
      bytes = ByteSizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "worker setting " + MAX_CSV_FIELD_BYTES_SETTING + ": " + e.getMessage(), e);
    }
    if (bytes < RecordSizeGuard.MIN_LIMIT) {
      throw new IllegalStateException(
          "worker setting "
              + MAX_CSV_FIELD_BYTES_SETTING
              + ": "
              + value
              + " is below the minimum "
              + ByteSizes.format(RecordSizeGuard.MIN_LIMIT));
    }
    return bytes;
  }

  private static int dedupeMemoryKeys(StageContext context) {
    return context
        .workerSetting(DEDUPE_MEMORY_KEYS_SETTING)
        .map(
            v -> {
              try {
                int n = Integer.parseInt(v.trim());
                if (n > 0) return n;
              } catch (NumberFormatException e) {
                // reported below
              }
              throw new IllegalStateException(
                  "worker setting "
                      + DEDUPE_MEMORY_KEYS_SETTING
                      + ": '"
                      + v
                      + "' is not a positive integer");
            })
        .orElse(DEFAULT_DEDUPE_MEMORY_KEYS);
  }

  private static OptionSpec<String> character(String name, String defaultValue, String what) {
    OptionSpec.Builder<String> b =
        OptionSpec.builder(name, OptionType.STRING)
            .description(what + " (one character)")
            .validator(
                c ->
                    c.length() != 1 || c.equals("\n") || c.equals("\r")
                        ? "expected one character other than a line break, got '" + c + "'"
                        : null);
    if (defaultValue != null) b.defaultValue(defaultValue);
    return b.build();
  }
}
