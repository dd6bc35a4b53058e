package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.decompress.DecompressOptions;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;

/** The options of the {@code transform-csv} stage and the worker settings it reads. */
public final class TransformCsvOptions {
  private TransformCsvOptions() {}

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
          .defaultValue(List.of(TransformCsvConfig.FIRST_ROW))
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
              "Column types: int, long, decimal, decimal(<precision>,<scale>) (values written at"
                  + " that scale; more places or digits reject the row), boolean, date:<pattern>,"
                  + " timestamp:<pattern>; values that do not parse reject the row; CEL sees int,"
                  + " double, bool, string")
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

  public static final OptionSpec<OutputSpec> OUTPUT =
      OptionSpec.builder("output", OutputSpec.TYPE)
          .description(
              "{format: csv|jsonl|parquet, codec: zstd|snappy|gzip|none, rowGroupSize: 64m,"
                  + " mode: each|merge, name}: what the output files hold, and how many. mode: each"
                  + " (default) writes one output per input, named after it; merge writes the rows"
                  + " of all inputs, in order, under one header into one output named name"
                  + " (default merged.csv, with the format's extension and the compression"
                  + " suffix); merged inputs must have the same header (else bad input naming the"
                  + " file and the columns), their rejects go to one <name>.rejects.csv whose"
                  + " reason names the input, and dedupe spans all inputs. jsonl: one JSON object per row, typed columns as"
                  + " numbers and booleans, nulls as null (.jsonl, compressed by"
                  + " outputCompression). parquet: columns typed from types (int INT32, long"
                  + " INT64, decimal(p,s) DECIMAL, boolean, date DATE, timestamp TIMESTAMP"
                  + " micros; others strings; plain decimal is refused), pages compressed by"
                  + " codec (default zstd), row groups of rowGroupSize (capped by the worker"
                  + " setting parquetBufferBytes); .parquet")
          .defaultValue(OutputSpec.DEFAULT)
          .build();

  public static final OptionSpec<List<String>> PARTITION_BY =
      OptionSpec.builder("partitionBy", OptionType.STRING_LIST)
          .description(
              "Output columns to partition by, Hive-style: rows go to"
                  + " <col>=<value>/part-<n>.<ext> (n: the input's index; values escaped as Hive"
                  + " does, %XX; null or empty as __HIVE_DEFAULT_PARTITION__), without those"
                  + " columns. At most the worker setting maxOpenPartitions files are open; rows"
                  + " of further partitions are spilled to disk and written in later passes")
          .validator(list -> list.isEmpty() ? "name at least one column" : null)
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

  /** Worker setting: distinct dedupe keys kept in memory per file before spilling to disk. */
  public static final SettingSpec<Long> DEDUPE_MEMORY_KEYS =
      SettingSpec.builder("dedupeMemoryKeys", OptionType.INTEGER)
          .description("Distinct dedupe keys kept in memory per file before spilling to disk")
          .defaultValue(1_000_000L)
          .validator(n -> n > 0 && n <= Integer.MAX_VALUE ? null : "must be a positive integer")
          .build();

  /**
   * Worker setting: the largest CSV field or record (characters, plus {@value
   * RecordSizeGuard#FIELD_WEIGHT} per field); a larger one is bad input. Bounds the heap one record
   * can take, whatever the input (an unbalanced quote).
   */
  public static final SettingSpec<Long> MAX_CSV_FIELD_BYTES =
      SettingSpec.builder("maxCsvFieldBytes", OptionType.SIZE)
          .description(
              "The largest CSV field or record; a larger one is bad input naming its line (at"
                  + " least 64k)")
          .defaultValue(16L << 20)
          .defaultText("16m")
          .validator(
              b ->
                  b < RecordSizeGuard.MIN_LIMIT
                      ? "below the minimum "
                          + dev.locality.stage.ByteSizes.format(RecordSizeGuard.MIN_LIMIT)
                      : null)
          .build();

  /**
   * Worker setting: the Parquet bytes all of one stage's open Parquet writers may buffer (each
   * holds a row group in memory until it is full): the row group of one file is {@code
   * min(output.rowGroupSize, parquetBufferBytes / open writers)}. Bounds the heap Parquet output
   * takes, whatever the input.
   */
  public static final SettingSpec<Long> MAX_PARQUET_BUFFER_BYTES =
      SettingSpec.builder("parquetBufferBytes", OptionType.SIZE)
          .description(
              "Parquet row-group bytes all open Parquet writers of a stage may buffer in memory;"
                  + " caps output.rowGroupSize (at least 1m)")
          .defaultValue(64L << 20)
          .defaultText("64m")
          .validator(b -> b < (1L << 20) ? "below the minimum 1m" : null)
          .build();

  /**
   * Worker setting: partition files open at once per input ({@link PartitionedRowWriter}); each
   * Parquet one buffers a row group of at most {@code parquetBufferBytes / maxOpenPartitions}.
   */
  public static final SettingSpec<Long> MAX_OPEN_PARTITIONS =
      SettingSpec.builder("maxOpenPartitions", OptionType.INTEGER)
          .description(
              "Partition files transform-csv keeps open at once (partitionBy); rows of further"
                  + " partitions are spilled to disk and written in later passes")
          .defaultValue(32L)
          .validator(n -> n < 1 || n > 10_000 ? "must be from 1 to 10000" : null)
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL =
      List.of(
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
          OUTPUT,
          PARTITION_BY,
          MAX_REJECTS);

  /**
   * Every worker setting the stage reads: its own, and {@code decompress}'s bomb limits {@link
   * DecompressOptions#MAX_UNCOMPRESSED_BYTES maxUncompressedBytes} and {@link
   * DecompressOptions#MAX_COMPRESSION_RATIO maxCompressionRatio} (the same constants, so one value
   * on the worker bounds both stages), which bound the inflating of compressed inputs read inline.
   */
  public static final List<SettingSpec<?>> SETTINGS =
      List.of(
          DEDUPE_MEMORY_KEYS,
          MAX_CSV_FIELD_BYTES,
          MAX_PARQUET_BUFFER_BYTES,
          MAX_OPEN_PARTITIONS,
          DecompressOptions.MAX_UNCOMPRESSED_BYTES,
          DecompressOptions.MAX_COMPRESSION_RATIO);

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
