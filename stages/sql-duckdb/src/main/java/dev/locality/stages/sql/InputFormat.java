package dev.locality.stages.sql;

/** The kinds of input file the sql stage reads, each through its DuckDB table function. */
enum InputFormat {
  /** CSV with a header row; delimiter, quoting and (unless all text) column types detected. */
  CSV,
  /** JSON Lines (or a JSON array), objects' keys as columns. */
  JSON,
  /** Apache Parquet. */
  PARQUET
}
