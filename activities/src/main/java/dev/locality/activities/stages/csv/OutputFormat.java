package dev.locality.activities.stages.csv;

import java.util.Locale;

/** The {@code output.format} of {@code transform-csv}: what its output files hold. */
public enum OutputFormat {
  /** CSV as the output options print it (the default; unchanged by the other formats). */
  CSV("csv", null),
  /** One JSON object per line, typed values as JSON numbers and booleans, nulls as null. */
  JSONL("jsonl", ".jsonl"),
  /** Apache Parquet, columns typed from {@code types}. */
  PARQUET("parquet", ".parquet");

  /** The option's value. */
  public final String optionValue;

  /** The output file's extension, replacing the input's {@code .csv}; null keeps the input's. */
  public final String extension;

  OutputFormat(String optionValue, String extension) {
    this.optionValue = optionValue;
    this.extension = extension;
  }

  /**
   * @throws IllegalArgumentException naming the known formats
   */
  public static OutputFormat fromOption(String value) {
    for (OutputFormat f : values()) {
      if (f.optionValue.equals(value.toLowerCase(Locale.ROOT))) return f;
    }
    throw new IllegalArgumentException(
        "unknown format '" + value + "' (known: csv, jsonl, parquet)");
  }
}
