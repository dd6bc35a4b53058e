package dev.locality.stages.sql;

import java.nio.file.Path;

/**
 * One input artifact as the query sees it: a view named {@code table} over {@code file}.
 *
 * @param table the view's name: {@code input}, or the sanitized file stem when there are several
 * @param file the absolute path of the artifact in the session directory
 * @param name the artifact's path relative to the session directory, for messages
 * @param format how to read it
 * @param compression {@code gzip}, {@code zstd} or {@code none}, from its content
 */
record InputTable(String table, Path file, String name, InputFormat format, String compression) {

  /** The statement that registers the view. */
  String createViewSql(boolean detectCsvTypes) {
    return "CREATE VIEW " + SqlText.identifier(table) + " AS SELECT * FROM " + scan(detectCsvTypes);
  }

  private String scan(boolean detectCsvTypes) {
    String path = SqlText.literal(file.toString());
    String compressionOption = ", compression = " + SqlText.literal(compression);
    return switch (format) {
      case CSV ->
          "read_csv("
              + path
              + ", header = true, skip = 0, delim = ',', quote = '\"', escape = '\"',"
              + " strict_mode = true"
              + compressionOption
              + (detectCsvTypes ? "" : ", all_varchar = true")
              + ")";
      case JSON -> // read_json names no compression "uncompressed"
          "read_json("
              + path
              + ", format = 'auto', compression = "
              + SqlText.literal(compression.equals("none") ? "uncompressed" : compression)
              + ")";
      case PARQUET -> "read_parquet(" + path + ")";
    };
  }
}
