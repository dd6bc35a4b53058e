package dev.locality.stages.sql;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the stage's input artifacts into {@link InputTable}s: the format from the file name's
 * suffix (the content where the suffix says nothing), the compression from the content, and the
 * table name: {@code input} for a single input, else the file's stem ({@code orders.csv.gz} →
 * {@code orders}), lower-cased, with every character other than a letter, digit or underscore
 * replaced by {@code _} and a leading digit prefixed with {@code _}. Two inputs with one table name
 * are bad input naming both. Stateless and thread-safe.
 */
final class InputTables {
  /** The table name of a single input. */
  static final String SINGLE = "input";

  private InputTables() {}

  /**
   * @param files each input's absolute path, keyed by its path relative to the session directory
   *     (for messages), in input order
   * @throws BadInputException for an input it cannot read (bzip2, xz, compressed Parquet) or a
   *     table name two inputs share
   */
  static List<InputTable> of(Map<String, Path> files) throws IOException {
    Map<String, String> taken = new LinkedHashMap<>();
    List<InputTable> tables = new ArrayList<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      String name = e.getKey();
      Path file = e.getValue();
      String fileName = file.getFileName().toString();
      String compression = compression(file, name);
      String base = withoutCompressionSuffix(fileName);
      InputFormat format = format(base, file, compression, name);
      String table = files.size() == 1 ? SINGLE : tableName(stem(base));
      String other = taken.putIfAbsent(table, name);
      if (other != null)
        throw new BadInputException(
            "sql: the inputs "
                + other
                + " and "
                + name
                + " would both be the table '"
                + table
                + "' (tables are named after the file stem): give them different names");
      tables.add(new InputTable(table, file, name, format, compression));
    }
    return tables;
  }

  /** The table name for a file stem. */
  static String tableName(String stem) {
    String lower = stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (lower.isEmpty()) return "_";
    return Character.isDigit(lower.charAt(0)) ? "_" + lower : lower;
  }

  /**
   * The file's name without its compression and format suffixes: {@code orders.csv.gz} → {@code
   * orders}.
   */
  static String fileStem(String fileName) {
    return stem(withoutCompressionSuffix(fileName));
  }

  private static String withoutCompressionSuffix(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    for (String suffix : List.of(".gz", ".zst", ".zstd"))
      if (lower.endsWith(suffix)) return fileName.substring(0, fileName.length() - suffix.length());
    return fileName;
  }

  private static String stem(String base) {
    int dot = base.lastIndexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }

  private static InputFormat format(String base, Path file, String compression, String name)
      throws IOException {
    String lower = base.toLowerCase(Locale.ROOT);
    InputFormat format;
    if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt"))
      format = InputFormat.CSV;
    else if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json"))
      format = InputFormat.JSON;
    else if (lower.endsWith(".parquet")) format = InputFormat.PARQUET;
    else format = compression.equals("none") ? sniff(file) : InputFormat.CSV;
    if (format == InputFormat.PARQUET && !compression.equals("none"))
      throw new BadInputException(
          "sql: "
              + name
              + " is a "
              + compression
              + "-compressed Parquet file, which DuckDB cannot read: decompress it first");
    return format;
  }

  /** Parquet when the file starts with PAR1, JSON when with '{' or '[', else CSV. */
  private static InputFormat sniff(Path file) throws IOException {
    byte[] head = head(file, 64);
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1')
      return InputFormat.PARQUET;
    for (byte b : head) {
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n') continue;
      return b == '{' || b == '[' ? InputFormat.JSON : InputFormat.CSV;
    }
    return InputFormat.CSV;
  }

  /** gzip, zstd or none, from the magic bytes; bzip2 and xz are bad input. */
  private static String compression(Path file, String name) throws IOException {
    byte[] h = head(file, 6);
    if (h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) return "gzip";
    if (h.length >= 4
        && (h[0] & 0xff) == 0x28
        && (h[1] & 0xff) == 0xb5
        && (h[2] & 0xff) == 0x2f
        && (h[3] & 0xff) == 0xfd) return "zstd";
    String other = null;
    if (h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') other = "bzip2";
    if (h.length >= 6
        && (h[0] & 0xff) == 0xfd
        && h[1] == '7'
        && h[2] == 'z'
        && h[3] == 'X'
        && h[4] == 'Z'
        && h[5] == 0) other = "xz";
    if (other != null)
      throw new BadInputException(
          "sql: "
              + name
              + " is "
              + other
              + "-compressed; sql reads gzip and zstd only: add a decompress stage before it");
    return "none";
  }

  private static byte[] head(Path file, int n) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(n);
    }
  }
}
