package dev.locality.stages.sql;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The file formats the sql stage writes its result in, with DuckDB's COPY options for each. */
enum OutputFormat {
  /** Apache Parquet, zstd-compressed column chunks; column types are kept. */
  PARQUET("parquet", "FORMAT parquet, COMPRESSION zstd"),
  /** CSV with a header row, comma-separated, quotes where needed, UTF-8. */
  CSV("csv", "FORMAT csv, HEADER true, DELIMITER ','"),
  /** JSON Lines: one object per row, keys the column names. */
  JSONL("jsonl", "FORMAT json, ARRAY false");

  private final String extension;
  private final String copyOptions;

  OutputFormat(String extension, String copyOptions) {
    this.extension = extension;
    this.copyOptions = copyOptions;
  }

  /** The name used in specs and as the file's suffix. */
  String extension() {
    return extension;
  }

  /** The options of DuckDB's {@code COPY ... TO} that write this format. */
  String copyOptions() {
    return copyOptions;
  }

  static List<String> names() {
    return Arrays.stream(values()).map(OutputFormat::extension).toList();
  }

  /** The format named {@code name} (case-insensitive). */
  static OutputFormat named(String name) {
    for (OutputFormat f : values()) if (f.extension.equals(name.toLowerCase(Locale.ROOT))) return f;
    throw new IllegalArgumentException(
        "'" + name + "' is not an output format: use " + String.join(", ", names()));
  }
}
