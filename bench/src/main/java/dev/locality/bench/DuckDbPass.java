package dev.locality.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The peer a data engineer would pick instead of a pipeline (section 6): DuckDB's JDBC driver
 * running the benchmark's transform as one SQL statement over the same gzipped CSV file, in a JVM
 * of its own. Compiled against {@code java.sql} only; the driver ({@code org.duckdb:duckdb_jdbc})
 * is on the class path when the harness starts this program, never at build time.
 *
 * <p>Usage: {@code java -cp DUCKDB_JAR:BENCH_JAR dev.locality.bench.DuckDbPass IN.csv.gz OUT.csv
 * THREADS [WARM_UP.csv.gz]}
 *
 * <p>Opens an in-memory database, {@code SET threads=THREADS}, then runs {@link #copySql}: {@code
 * COPY (SELECT} the transform's 8 columns, {@code amount} renamed to {@code amount_usd}, {@code
 * FROM read_csv(IN, ...) WHERE status != 'cancelled') TO OUT (HEADER, DELIMITER ',')}. With a
 * fourth argument the same statement first runs once over that (small) file, untimed, as the limit
 * warms up. The time covers the timed COPY only (not JVM start, the driver's native library load or
 * the connection).
 *
 * <p>Prints one JSON line: {@code {"version","threads","memoryLimit","millis","connectMillis",
 * "rowsOut","bytesOut","peakRssKb"}}; {@code peakRssKb} is this process's VmHWM (the JVM and
 * DuckDB's native memory together).
 */
public final class DuckDbPass {
  /**
   * The {@code read_csv} options that parse the generated CSV as the transform-csv stage does: a
   * header row, comma, RFC 4180 quotes (quoted fields hold commas, doubled quotes and line breaks),
   * every column a string (values pass through unchanged, as the stage passes them), gzip.
   */
  static final String READ_CSV_OPTIONS =
      "header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true,"
          + " compression = 'gzip'";

  private DuckDbPass() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 && args.length != 4) {
      System.err.println("usage: DuckDbPass IN.csv.gz OUT.csv THREADS [WARM_UP.csv.gz]");
      System.exit(2);
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int threads = Integer.parseInt(args[2]);
    Files.deleteIfExists(out);
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("SET threads = " + threads);
      long connectMillis = (System.nanoTime() - t0) / 1_000_000;
      if (args.length == 4) {
        Path warm = out.toAbsolutePath().getParent().resolve("warm-up-out.csv");
        copy(st, Path.of(args[3]), warm);
        Files.deleteIfExists(warm);
      }
      long started = System.nanoTime();
      long rows = copy(st, in, out);
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (rows < 0) rows = countRows(st, out); // untimed
      System.out.printf(
          "{\"version\":\"%s\",\"threads\":%s,\"memoryLimit\":\"%s\",\"millis\":%d,"
              + "\"connectMillis\":%d,\"rowsOut\":%d,\"bytesOut\":%d,\"peakRssKb\":%d}%n",
          scalar(st, "SELECT version()"),
          scalar(st, "SELECT current_setting('threads')"),
          scalar(st, "SELECT current_setting('memory_limit')"),
          millis,
          connectMillis,
          rows,
          Files.size(out),
          LimitPass.peakRssKb());
    }
  }

  /** Runs {@link #copySql}; the rows written as COPY answers them, -1 when it answers none. */
  static long copy(Statement st, Path in, Path out) throws Exception {
    if (st.execute(copySql(in, out))) {
      try (ResultSet rs = st.getResultSet()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
    return st.getUpdateCount();
  }

  /** The data rows of a CSV file with a header row, counted by DuckDB. */
  static long countRows(Statement st, Path csv) throws Exception {
    return Long.parseLong(
        scalar(
            st,
            "SELECT count(*) FROM read_csv("
                + literal(csv.toAbsolutePath().toString())
                + ", header = true, all_varchar = true)"));
  }

  /**
   * The statement: the benchmark's transform ({@link Specs#transformStage()}: its columns in order,
   * its rename, its filter as SQL) from {@code in} to a CSV file {@code out} with a header row.
   */
  static String copySql(Path in, Path out) {
    Map<String, Object> t = Specs.transformStage();
    @SuppressWarnings("unchecked")
    List<String> select = (List<String>) t.get("select");
    @SuppressWarnings("unchecked")
    Map<String, String> rename = (Map<String, String>) t.get("rename");
    String columns =
        select.stream()
            .map(
                col ->
                    rename.containsKey(col)
                        ? identifier(col) + " AS " + identifier(rename.get(col))
                        : identifier(col))
            .collect(Collectors.joining(", "));
    return "COPY (SELECT "
        + columns
        + " FROM read_csv("
        + literal(in.toAbsolutePath().toString())
        + ", "
        + READ_CSV_OPTIONS
        + ") WHERE status != 'cancelled') TO "
        + literal(out.toAbsolutePath().toString())
        + " (HEADER, DELIMITER ',')";
  }

  /** A SQL string literal: in single quotes, a single quote doubled. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A SQL identifier: in double quotes, a double quote doubled. */
  static String identifier(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String scalar(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1).replace("\\", "\\\\").replace("\"", "\\\"");
    }
  }
}
