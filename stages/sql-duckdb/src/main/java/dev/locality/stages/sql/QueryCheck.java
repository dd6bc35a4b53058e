package dev.locality.stages.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Checks that a query is exactly one read-only query statement ({@code SELECT}, {@code WITH ...
 * SELECT}, DuckDB's {@code FROM ...} and {@code VALUES}), with DuckDB's own parser: {@code
 * json_serialize_sql} parses the text and serializes only SELECT statements, so anything else
 * ({@code CREATE}, {@code INSERT}, {@code COPY}, {@code ATTACH}, {@code SET}, {@code PRAGMA},
 * {@code INSTALL}...) and a second statement are refused before anything runs. Parsing needs no
 * tables: names are checked later, when the query runs over the inputs. Thread-safe (stateless).
 */
final class QueryCheck {
  private QueryCheck() {}

  /** What is wrong with {@code query}, in words for the spec's author; empty when it is fine. */
  static Optional<String> problem(Connection connection, String query) throws SQLException {
    String sql =
        "SELECT j->>'error', j->>'error_type', j->>'error_message', json_array_length(j->'statements')"
            + " FROM (SELECT json_serialize_sql("
            + SqlText.literal(query)
            + ")::JSON AS j)"; // a literal: the function wants a constant; quotes are doubled
    try (Statement st = connection.createStatement()) {
      try (ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        boolean error = "true".equals(rs.getString(1));
        String type = rs.getString(2);
        String message = rs.getString(3);
        long statements = rs.getLong(4);
        if (error && "parser".equals(type))
          return Optional.of("does not parse: " + message + " (DuckDB's parser)");
        if (error)
          return Optional.of(
              "must be one SELECT query (SELECT, WITH ... SELECT, FROM ..., VALUES), not "
                  + describe(SqlText.firstKeyword(query))
                  + ": the sql stage only reads its inputs; it writes its result itself");
        if (statements == 0) return Optional.of("is empty: give one SELECT query");
        if (statements > 1)
          return Optional.of("holds " + statements + " statements: give exactly one SELECT query");
        return Optional.empty();
      }
    }
  }

  private static String describe(String keyword) {
    return keyword.isEmpty() ? "another kind of statement" : "a " + keyword + " statement";
  }
}
