package dev.locality.stages.sql;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code sql}: runs one SELECT query over the input artifacts with an embedded DuckDB and writes
 * its result as one Parquet, CSV or JSON Lines file.
 *
 * <pre>{@code
 * - type: sql
 *   query: "select state, count(*) n from input group by 1"
 *   output: {format: parquet}
 * }</pre>
 *
 * <p>Each data artifact (CSV with a header row, JSON Lines, Parquet; CSV and JSON also gzip- or
 * zstd-compressed) is a view: {@code input} when there is one, else named after its file stem
 * ({@link InputTables}). The database is private to the attempt and locked down ({@link
 * SandboxedDuckDb}): the query reads only the inputs, writes nothing, cannot change a setting, and
 * gets the worker's {@code sqlMemoryLimit}, {@code sqlThreads} and {@code sqlMaxTempBytes}; it
 * spills into the attempt's output directory. The query must be one SELECT ({@link QueryCheck},
 * also checked when the spec is validated where DuckDB loads); a query that does not parse or bind,
 * or data DuckDB cannot read, is {@link BadInputException} with DuckDB's message ({@link
 * DuckDbErrors}).
 *
 * <p>Heartbeats every second while the query runs, with DuckDB's progress; a heartbeat that throws
 * interrupts the query ({@link HeartbeatingQuery}). Thread-safe and stateless; idempotent under
 * retry (it writes only into its output directory, which the framework deletes after a failure).
 */
public final class SqlStage implements Stage {
  public static final String TYPE = "sql";

  static final OptionSpec<String> QUERY =
      OptionSpec.builder("query", OptionType.STRING)
          .description(
              "One SELECT query (WITH, FROM-first and VALUES too) over the inputs: the table"
                  + " input when there is one, else each file's stem (orders.csv.gz: orders)")
          .required()
          .validator(q -> q.isBlank() ? "is empty: give one SELECT query" : null)
          .build();

  static final OptionSpec<Map<String, String>> OUTPUT =
      OptionSpec.builder("output", OptionType.STRING_MAP)
          .description(
              "format: parquet, csv (with a header row) or jsonl, default csv; name: the file name"
                  + " without suffix, default the single input's stem, else result")
          .defaultValue(Map.of())
          .build();

  static final OptionSpec<Boolean> DETECT_TYPES =
      OptionSpec.builder("detectTypes", OptionType.BOOLEAN)
          .description(
              "Detect CSV columns' types (integer, double, date...) from the data; false reads every"
                  + " CSV column as text")
          .defaultValue(true)
          .build();

  static final SettingSpec<Long> MEMORY_LIMIT =
      SettingSpec.builder("sqlMemoryLimit", OptionType.SIZE)
          .description(
              "sql: DuckDB's memory_limit per running sql stage (it spills to disk beyond it; a"
                  + " query that cannot is bad input)")
          .defaultValue(1L << 30)
          .defaultText("1g")
          .validator(n -> n < (64L << 20) ? "must be at least 64m" : null)
          .build();

  static final SettingSpec<Long> THREADS =
      SettingSpec.builder("sqlThreads", OptionType.INTEGER)
          .description("sql: DuckDB's threads per running sql stage")
          .defaultValue(2L)
          .validator(n -> n < 1 || n > 256 ? "must be between 1 and 256" : null)
          .build();

  static final SettingSpec<Long> MAX_TEMP_BYTES =
      SettingSpec.builder("sqlMaxTempBytes", OptionType.SIZE)
          .description(
              "sql: the most a query may spill to the session directory; more is bad input")
          .defaultValue(100L << 30)
          .defaultText("100g")
          .validator(n -> n < 0 ? "must not be negative" : null)
          .build();

  /** Where a run spills, inside its output directory (deleted with it). */
  static final String TEMP_DIR = ".duckdb-tmp";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Runs one SELECT query (DuckDB) over the input CSV, JSON Lines and Parquet files and"
        + " writes the result as Parquet, CSV or JSON Lines";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(QUERY, OUTPUT, DETECT_TYPES);
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return List.of(MEMORY_LIMIT, THREADS, MAX_TEMP_BYTES);
  }

  /**
   * Checks the output option and parses the query with DuckDB's parser (no data needed), when
   * DuckDB loads on this machine; where it does not (a platform without its native library), the
   * worker checks the query when the stage starts.
   */
  @Override
  public List<OptionProblem> validate(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    for (String p : OutputSpec.problems(config.get(OUTPUT)))
      problems.add(new OptionProblem(OUTPUT.name(), p));
    parseProblem(config.get(QUERY))
        .ifPresent(p -> problems.add(new OptionProblem(QUERY.name(), p)));
    return problems;
  }

  private static Optional<String> parseProblem(String query) {
    Properties config = new Properties();
    config.setProperty("threads", "1");
    config.setProperty("enable_external_access", "false");
    config.setProperty("autoload_known_extensions", "false");
    config.setProperty("autoinstall_known_extensions", "false");
    try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", config)) {
      return QueryCheck.problem(c, query);
    } catch (SQLException | RuntimeException | LinkageError e) {
      // DuckDB cannot start here (no native library for this platform, no writable temp dir for
      // extracting it): the worker checks the query when the stage starts
      return Optional.empty();
    }
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    StageConfig config = input.config();
    String query = config.get(QUERY);
    OutputSpec output = OutputSpec.of(config.get(OUTPUT));
    Path sessionDir = context.sessionDir();

    Map<String, Path> files = new LinkedHashMap<>();
    long bytesIn = 0;
    for (Artifact artifact : input.artifacts()) { // data only: the framework passes rejects on
      Path file = context.resolve(artifact);
      files.put(artifact.path(), file);
      bytesIn += Files.size(file);
    }
    List<InputTable> tables = InputTables.of(files);
    List<Path> inputFiles = tables.stream().map(InputTable::file).toList();
    Path target = context.outputDir().resolve(output.fileName(tables));
    Files.createDirectories(context.outputDir());
    Path tempDir = context.outputDir().resolve(TEMP_DIR);
    List<Path> allowed = new ArrayList<>(inputFiles);
    allowed.add(target);
    SandboxedDuckDb.Limits limits =
        new SandboxedDuckDb.Limits(
            context.setting(MEMORY_LIMIT),
            context.setting(THREADS),
            context.setting(MAX_TEMP_BYTES));

    long rows;
    try (Connection db = SandboxedDuckDb.open(allowed, tempDir, limits)) {
      Optional<String> problem = QueryCheck.problem(db, query);
      if (problem.isPresent()) throw new BadInputException("sql: the query " + problem.get());
      for (InputTable table : tables) {
        try (Statement st = db.createStatement()) {
          st.execute(table.createViewSql(config.get(DETECT_TYPES)));
        } catch (SQLException e) {
          throw DuckDbErrors.translate(e, "reading " + table.name(), sessionDir, inputFiles);
        }
        context.progressRows(0);
      }
      String select = SqlText.withoutTrailingSemicolons(query);
      // bound alone first, so that DuckDB's message points into the query as written
      try (PreparedStatement bound = db.prepareStatement(select)) {
        context.progressRows(0);
      } catch (SQLException e) {
        throw DuckDbErrors.translate(e, "the query", sessionDir, inputFiles);
      }
      String copy =
          "COPY (\n"
              + select
              + "\n) TO "
              + SqlText.literal(target.toString())
              + " ("
              + output.format().copyOptions()
              + ")";
      try {
        rows = new HeartbeatingQuery(db, context).run(copy);
      } catch (SQLException e) {
        throw DuckDbErrors.translate(e, "the query", sessionDir, inputFiles);
      }
    } finally {
      deleteTree(tempDir);
    }
    Artifact result = context.artifact(target, rows);
    return StageResult.of(
        List.of(result), new StageMetrics(bytesIn, result.bytes(), -1, rows, -1, -1));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
