package dev.locality.stages.sql;

import java.util.Locale;

/** Quoting and small inspections of SQL text. Stateless and thread-safe. */
final class SqlText {
  private SqlText() {}

  /** A SQL string literal: in single quotes, a single quote doubled. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A SQL identifier: in double quotes, a double quote doubled. */
  static String identifier(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /**
   * The query without the white space and semicolons that may end it ({@code select 1;}), so that
   * it can be wrapped in parentheses.
   */
  static String withoutTrailingSemicolons(String query) {
    int end = query.length();
    while (end > 0
        && (Character.isWhitespace(query.charAt(end - 1)) || query.charAt(end - 1) == ';')) end--;
    return query.substring(0, end);
  }

  /**
   * The first word of the statement, upper-cased, after white space, {@code --} line comments and
   * {@code /* *}{@code /} block comments; empty when there is none. Only for messages.
   */
  static String firstKeyword(String query) {
    int i = 0;
    int n = query.length();
    while (i < n) {
      char c = query.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (query.startsWith("--", i)) {
        int eol = query.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (query.startsWith("/*", i)) {
        int close = query.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(query.charAt(i))) i++;
    return query.substring(start, i).toUpperCase(Locale.ROOT);
  }
}
