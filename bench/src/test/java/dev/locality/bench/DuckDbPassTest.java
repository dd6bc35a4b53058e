package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The statement DuckDB runs must be the benchmark pipeline's transform over the same file. */
class DuckDbPassTest {
  @Test
  void copyIsTheTransformOfTheBenchmarkPipeline() {
    String sql =
        DuckDbPass.copySql(Path.of("/data/bench-1048576.csv.gz"), Path.of("/work/duckdb/out.csv"));

    assertThat(sql)
        .isEqualTo(
            "COPY (SELECT \"id\", \"created_at\", \"customer_id\", \"amount\" AS \"amount_usd\","
                + " \"currency\", \"status\", \"city\", \"note\""
                + " FROM read_csv('/data/bench-1048576.csv.gz', header = true, delim = ',',"
                + " quote = '\"', escape = '\"', all_varchar = true, compression = 'gzip')"
                + " WHERE status != 'cancelled')"
                + " TO '/work/duckdb/out.csv' (HEADER, DELIMITER ',')");
  }

  @Test
  void theColumnsAreTheTransformStagesAndTheLimits() {
    String sql = DuckDbPass.copySql(Path.of("/in.csv.gz"), Path.of("/out.csv"));
    String select = sql.substring("COPY (SELECT ".length(), sql.indexOf(" FROM "));

    assertThat(select.replace("\"", "").replace(" AS amount_usd", "").split(", "))
        .containsExactlyElementsOf(LimitPass.SELECT);
  }

  @Test
  void pathsAreQuotedAsSqlLiterals() {
    String sql = DuckDbPass.copySql(Path.of("/tmp/o'brien/in.csv.gz"), Path.of("relative.csv"));

    assertThat(sql)
        .contains("read_csv('/tmp/o''brien/in.csv.gz', ")
        .contains(" TO '" + Path.of("relative.csv").toAbsolutePath() + "' (HEADER");
    assertThat(DuckDbPass.literal("it's")).isEqualTo("'it''s'");
    assertThat(DuckDbPass.identifier("a\"b")).isEqualTo("\"a\"\"b\"");
  }
}
