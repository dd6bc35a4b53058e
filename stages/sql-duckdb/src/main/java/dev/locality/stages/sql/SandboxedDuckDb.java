package dev.locality.stages.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.duckdb.DuckDBDriver;

/**
 * Opens a private in-memory DuckDB database locked down for a query someone else wrote, on a shared
 * worker. Before the connection is returned, in this order (nothing from the spec runs before the
 * lock):
 *
 * <ol>
 *   <li>{@code threads}, {@code memory_limit}, {@code temp_directory} and {@code
 *       max_temp_directory_size} from the worker's settings;
 *   <li>{@code autoinstall_known_extensions}, {@code autoload_known_extensions} and {@code
 *       allow_community_extensions} off: no extension is fetched or loaded (httpfs, the one that
 *       reads URLs, is not built into the driver); the ones built in (parquet, json) work;
 *   <li>{@code allowed_paths}: exactly the files the caller names (the inputs and the output);
 *   <li>{@code enable_external_access = false}: every other file, directory, glob and URL is
 *       refused, and so are {@code ATTACH}, {@code INSTALL}, {@code LOAD} and {@code COPY} to
 *       anywhere else;
 *   <li>the progress bar's bookkeeping on (for {@code getQueryProgress}), its printing off;
 *   <li>{@code lock_configuration = true}: no {@code SET} can undo any of this.
 * </ol>
 *
 * Each call opens a new database: nothing is shared between attempts or pipelines. The driver is
 * called directly, not through {@link java.sql.DriverManager} (which would not see a driver loaded
 * by a plugin's class loader).
 */
final class SandboxedDuckDb {
  private SandboxedDuckDb() {}

  /** The limits the worker sets. */
  record Limits(long memoryBytes, long threads, long maxTempBytes) {}

  /**
   * @param allowedFiles the only files the database may read or write
   * @param tempDir where it spills (created by DuckDB when needed; it removes it on close)
   */
  static Connection open(List<Path> allowedFiles, Path tempDir, Limits limits) throws SQLException {
    Properties config = new Properties();
    config.setProperty("threads", Long.toString(limits.threads()));
    config.setProperty("memory_limit", kib(limits.memoryBytes()));
    Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", config);
    try {
      List<String> setup = new ArrayList<>();
      setup.add("SET temp_directory = " + SqlText.literal(tempDir.toString()));
      setup.add("SET max_temp_directory_size = " + SqlText.literal(kib(limits.maxTempBytes())));
      setup.add("SET autoinstall_known_extensions = false");
      setup.add("SET autoload_known_extensions = false");
      setup.add("SET allow_community_extensions = false");
      setup.add(
          "SET allowed_paths = ["
              + allowedFiles.stream()
                  .map(p -> SqlText.literal(p.toString()))
                  .collect(Collectors.joining(", "))
              + "]");
      setup.add("SET enable_external_access = false");
      setup.add("SET enable_progress_bar = true");
      setup.add("SET enable_progress_bar_print = false");
      setup.add("SET lock_configuration = true");
      for (String sql : setup) {
        try (Statement st = connection.createStatement()) {
          st.execute(sql);
        }
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static String kib(long bytes) {
    return Math.max(1, bytes / 1024) + "KiB";
  }
}
