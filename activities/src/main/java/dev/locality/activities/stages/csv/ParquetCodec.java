package dev.locality.activities.stages.csv;

import java.util.Locale;

/**
 * The {@code output.codec} of {@code transform-csv}'s Parquet output: how its pages are compressed
 * (inside the file, which keeps its {@code .parquet} name).
 */
public enum ParquetCodec {
  ZSTD("zstd"),
  SNAPPY("snappy"),
  GZIP("gzip"),
  NONE("none");

  /** The option's value. */
  public final String optionValue;

  ParquetCodec(String optionValue) {
    this.optionValue = optionValue;
  }

  /**
   * @throws IllegalArgumentException naming the known codecs
   */
  public static ParquetCodec fromOption(String value) {
    for (ParquetCodec c : values()) {
      if (c.optionValue.equals(value.toLowerCase(Locale.ROOT))) return c;
    }
    throw new IllegalArgumentException(
        "unknown codec '" + value + "' (known: zstd, snappy, gzip, none)");
  }
}
