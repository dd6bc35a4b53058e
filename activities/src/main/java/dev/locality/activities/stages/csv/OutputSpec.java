package dev.locality.activities.stages.csv;

import dev.locality.stage.ByteSizes;
import dev.locality.stage.OptionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code output} option of {@code transform-csv}: {@code {format: csv|jsonl|parquet, codec:
 * zstd|snappy|gzip|none, rowGroupSize: 64m}}. {@code codec} and {@code rowGroupSize} are Parquet's
 * (CSV and JSON Lines files are compressed whole by {@code outputCompression}). Immutable.
 *
 * @param format what the files hold
 * @param codec the Parquet page compression
 * @param rowGroupBytes the Parquet row group size asked for (capped by the worker setting {@link
 *     TransformCsvOptions#MAX_PARQUET_BUFFER_BYTES})
 * @param mode one output per input, or all inputs merged into one ({@link OutputMode})
 */
public record OutputSpec(
    OutputFormat format, ParquetCodec codec, long rowGroupBytes, OutputMode mode) {
  /** The default row group size. */
  public static final long DEFAULT_ROW_GROUP_BYTES = 64L << 20;

  /** The smallest row group size accepted. */
  public static final long MIN_ROW_GROUP_BYTES = 64L << 10;

  /** CSV, as without the option. */
  public static final OutputSpec DEFAULT =
      new OutputSpec(OutputFormat.CSV, ParquetCodec.ZSTD, DEFAULT_ROW_GROUP_BYTES, OutputMode.EACH);

  /** The keys this class reads. */
  static final List<String> KEYS =
      List.of("format", "codec", "rowGroupSize", OutputMode.KEYS.get(0), OutputMode.KEYS.get(1));

  /** The option's type: a mapping with the {@link #KEYS}. */
  static final OptionType<OutputSpec> TYPE =
      OptionType.simple("{format, codec, rowGroupSize, mode, name}", OutputSpec::parse);

  /**
   * Reads the option's mapping.
   *
   * @throws IllegalArgumentException naming every bad key and value
   */
  static OutputSpec parse(Object raw) {
    if (!(raw instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "expected a mapping like {format: parquet}, got " + OptionType.describe(raw));
    }
    List<String> problems = new ArrayList<>();
    for (Object key : map.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        problems.add("unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
      }
    }
    OutputFormat format = DEFAULT.format;
    ParquetCodec codec = DEFAULT.codec;
    long rowGroup = DEFAULT.rowGroupBytes;
    try {
      if (map.get("format") != null)
        format = OutputFormat.fromOption(OptionType.STRING.convert(map.get("format")));
    } catch (IllegalArgumentException e) {
      problems.add("format: " + e.getMessage());
    }
    try {
      if (map.get("codec") != null)
        codec = ParquetCodec.fromOption(OptionType.STRING.convert(map.get("codec")));
    } catch (IllegalArgumentException e) {
      problems.add("codec: " + e.getMessage());
    }
    try {
      if (map.get("rowGroupSize") != null) {
        rowGroup = OptionType.SIZE.convert(map.get("rowGroupSize"));
        if (rowGroup < MIN_ROW_GROUP_BYTES)
          problems.add("rowGroupSize: below the minimum " + ByteSizes.format(MIN_ROW_GROUP_BYTES));
      }
    } catch (IllegalArgumentException e) {
      problems.add("rowGroupSize: " + e.getMessage());
    }
    OutputMode mode = OutputMode.parse(map, problems);
    if (format != OutputFormat.PARQUET) {
      if (map.get("codec") != null)
        problems.add(
            "codec is for Parquet output; compress "
                + format.optionValue
                + " files with outputCompression");
      if (map.get("rowGroupSize") != null) problems.add("rowGroupSize is for Parquet output only");
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    return new OutputSpec(format, codec, rowGroup, mode);
  }

  @Override
  public String toString() {
    String shape =
        format == OutputFormat.PARQUET
            ? "{format: parquet, codec: "
                + codec.optionValue
                + ", rowGroupSize: "
                + ByteSizes.format(rowGroupBytes)
                + "}"
            : "{format: " + format.optionValue + "}";
    if (!mode.merge()) return shape;
    return shape.substring(0, shape.length() - 1) + mode.toString().replace("{", ", ");
  }
}
