package dev.locality.stages.sql;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Turns DuckDB's errors into the stage's failure classes. DuckDB prefixes every message with its
 * error type ({@code Parser Error: ...}, {@code Binder Error: ...}):
 *
 * <ul>
 *   <li>errors in the query or the data (parse, bind, catalog, conversion, invalid input, out of
 *       range, a refused file access, ...) and a query that needs more memory or temp space than
 *       the worker's limits allow → {@link BadInputException}: retrying cannot help;
 *   <li>an {@code IO Error} naming a disk full → an {@link IOException} whose message keeps "No
 *       space left on device" (the worker recognises a full disk); one naming an input file (a
 *       corrupt gzip stream) → bad input;
 *   <li>anything else (an internal error) → {@link IOException}: transient, retried with a fresh
 *       database.
 * </ul>
 *
 * Messages lose DuckDB's "possible fixes" lists (which name settings the spec cannot change) and
 * the session directory's absolute path (artifacts appear by their session-relative path).
 * Stateless and thread-safe.
 */
final class DuckDbErrors {
  private static final List<String> BAD_INPUT_TYPES =
      List.of(
          "parser",
          "binder",
          "catalog",
          "conversion",
          "invalid input",
          "out of range",
          "permission",
          "not implemented",
          "constraint",
          "dependency",
          "mismatch type",
          "invalid type",
          "syntax",
          "sequence",
          "parameter not allowed",
          "parameter not resolved",
          "invalid configuration",
          "type",
          "invalid");
  private static final int MAX_MESSAGE = 1000;

  private DuckDbErrors() {}

  /**
   * @param doing what failed, for the message: {@code "reading orders.csv"}, {@code "the query"}
   * @param inputs the input files, to tell an IO error about one of them
   */
  static Exception translate(SQLException e, String doing, Path sessionDir, List<Path> inputs) {
    String raw = String.valueOf(e.getMessage());
    String type = errorType(raw);
    String message = "sql: " + doing + " failed: " + clean(raw, sessionDir);
    if (type.equals("out of memory"))
      return new BadInputException(
          message + " (the query needs more memory than the worker's sqlMemoryLimit allows)", e);
    if (type.equals("io")) {
      String lower = raw.toLowerCase(Locale.ROOT);
      if (lower.contains("no space left") || lower.contains("quota"))
        return new IOException(message + " (No space left on device)", e);
      if (lower.contains("max_temp_directory_size") || lower.contains("maximum temp"))
        return new BadInputException(
            message + " (the query spills more than the worker's sqlMaxTempBytes allows)", e);
      for (Path input : inputs)
        if (raw.contains(input.toString())) return new BadInputException(message, e);
      return new IOException(message, e);
    }
    if (BAD_INPUT_TYPES.contains(type)) return new BadInputException(message, e);
    return new IOException(message, e);
  }

  /** The error type DuckDB prefixed, lower-case ({@code binder}, {@code io}), or empty. */
  static String errorType(String message) {
    int colon = message.indexOf(':');
    if (colon < 0) return "";
    String head = message.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    if (!head.endsWith(" error")) return "";
    return head.substring(0, head.length() - " error".length()).trim();
  }

  /** DuckDB's message without its advice lists, the session path, and shortened. */
  static String clean(String raw, Path sessionDir) {
    String s = raw;
    for (String cut :
        List.of(
            "\nPossible fixes", "\nPossible Solution", "\nThe search space used", "\nSee also")) {
      int at = s.indexOf(cut);
      if (at >= 0) s = s.substring(0, at);
    }
    s = s.replace(sessionDir.toString() + "/", "").strip().replaceAll("\n\\s*\n", "\n");
    return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "…" : s;
  }
}
