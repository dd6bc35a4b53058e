package dev.locality.activities.stages.csv;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB (its JDBC driver, in memory, session time zone UTC) as an independent reader of the
 * Parquet files {@code transform-csv} writes: tests run a query and compare every value it returns.
 */
final class DuckDb {
  private DuckDb() {}

  /** The rows of {@code sql}, each value as DuckDB's {@code getString} gives it (null for NULL). */
  static List<List<String>> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      try (ResultSet r = s.executeQuery(sql)) {
        int n = r.getMetaData().getColumnCount();
        List<List<String>> rows = new ArrayList<>();
        while (r.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) row.add(r.getString(i));
          rows.add(row);
        }
        return rows;
      }
    }
  }

  /** A path for a DuckDB string literal. */
  static String literal(java.nio.file.Path path) {
    return "'" + path.toString().replace("'", "''") + "'";
  }
}
