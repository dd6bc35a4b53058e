package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {
  private static final Options OPTIONS =
      Options.parse(
          new String[] {"--cli-jar", "c.jar", "--worker-jar", "w.jar", "--only", "limit"});

  @Test
  void targetsTableFromTheMeasuredFigures() {
    String md = MarkdownReport.render(SummaryTest.everySection().summarized(), OPTIONS);

    assertThat(md)
        .endsWith(
            """

            **Targets**:

            | target | measured | met |
            |---|---:|:---:|
            | (2)/(1) <= 1.5 | 1.50 | yes |
            | transform-csv >= 90% of raw Commons CSV rate | 1.25 | yes |
            | worker heap < 256 MiB (-Xmx256m) | 120.00 | yes |
            | (3)-(2) <= heartbeatTimeout + work before kill + 2 s | 5.00 | **no** |
            | whole pipeline MiB/s / DuckDB MiB/s >= 1 (same file and filter, same run) \
            | 0.33 | **no** |
            | transform-csv MiB/s >= 0.8 x raw gunzip MiB/s (issue 15) | 0.25 | **no** |
            | whole pipeline MiB/s >= 0.5 x raw gunzip MiB/s (issue 15) | 0.17 | **no** |
            | small pipelines/s, 2 workers, 8 in flight >= 25 (issue 15) | 5.40 | **no** |
            | per-stage orchestration overhead <= 50 ms median (sequential small pipelines) \
            | 24.50 | yes |
            """);
  }

  @Test
  void headerMeasuresAndRatios() {
    String md = MarkdownReport.render(SummaryTest.everySection().summarized(), OPTIONS);

    assertThat(md)
        .startsWith("## Locality benchmark, 2026-01-02T03:04:05Z\n\n")
        .contains("- command: `bench/run.sh --size 100MB`\n")
        .contains("- data: 100.0 MiB CSV (1,000,000 rows, 10 columns), 30.0 MiB gzipped\n")
        .contains("- warm-up: every worker runs one 1MB pipeline")
        .contains("- runs: 1 (min / median shown); commit abc1234\n")
        .contains("| measure | min | median |\n|---|---:|---:|\n")
        .contains("| (1) limit: MiB/s of CSV | 25.0 | 25.0 |\n")
        .contains("| (2) stage transform-csv: s | 4.00 | 4.00 |\n")
        .contains("| (2) worker peak heap used MiB | 120 | 120 |\n")
        .contains("| (3) failover (failed → new session), s | 5.50 | 5.50 |\n")
        .contains("| (4) noaff-upload, s | 0.50 | 0.50 |\n")
        .contains("| (5) 20 × 1MB pipelines, concurrency 1: pipelines/s | 2.50 | |\n")
        .contains(
            "| (5) 200 × 1MB pipelines, concurrency 8: latency p50 / p99 ms | 1400 | 2400 (p99) |\n")
        .contains("| (2) / (1) | 1.50 |\n")
        .contains("| (4) / (2) | 2.00 |\n")
        .contains("| stage transform-csv MiB/s (25.0) / raw transform MiB/s (20.0) | 1.25 |\n");
  }

  @Test
  void duckdbRowsNextToTheLimitsAndItsRatios() {
    String md = MarkdownReport.render(SummaryTest.everySection().summarized(), OPTIONS);

    String label =
        "| (6) DuckDB 1.4.4 (JDBC, 2 threads) `COPY (SELECT 8 cols … WHERE status != 'cancelled')"
            + " TO out.csv` from the same .gz";
    assertThat(md)
        .contains(
            "| (1) raw copy + fsync MiB/s | 360.0 | 360.0 |\n"
                + label
                + ": wall s | 2.00 | 2.00 |\n"
                + label
                + ": MiB/s of CSV | 50.0 | 50.0 |\n"
                + "| (6) DuckDB peak RSS MiB (VmHWM) | 770 | 770 |\n"
                + "| (6) DuckDB output rows | 900000 | 900000 |\n")
        .contains("| (6) DuckDB MiB/s / raw gunzip MiB/s | 0.50 |\n")
        .contains("| (2) whole pipeline MiB/s / (6) DuckDB MiB/s | 0.33 |\n")
        .contains("- DuckDB: v1.4.4 through JDBC in a JVM of its own (-Xmx256m, the workers' JDK),")
        .contains("`SET threads=2`, memory_limit 18.3 GiB (its default)")
        .contains("; its output rows = the pipeline's rowsOut in every run\n")
        .doesNotContain("MISMATCH");
  }

  @Test
  void aRowCountMismatchComesFirst() {
    ResultsFixture f = new ResultsFixture();
    ObjectNode run = f.run();
    f.duckdb(run, 2_000, 899_999);
    f.pipeline(run, 6_000, 4_000);

    String md = MarkdownReport.render(f.summarized(), OPTIONS);

    assertThat(md)
        .startsWith(
            "## Locality benchmark, 2026-01-02T03:04:05Z\n\n"
                + "**ROW COUNT MISMATCH** in run 1: DuckDB wrote 899,999 rows, the Locality"
                + " pipeline 900,000 (rowsOut)\n\n")
        .contains("; **its output rows differ from the pipeline's rowsOut** (above)\n");
  }

  @Test
  void minAndMedianOverRunsAndAMissedTarget() {
    ResultsFixture f = new ResultsFixture();
    ObjectNode first = f.run();
    f.limit(first, 4_000, 5_000);
    f.pipeline(first, 6_000, 4_000);
    ObjectNode second = f.run();
    f.limit(second, 5_000, 5_000);
    f.pipeline(second, 8_000, 4_000);

    String md = MarkdownReport.render(f.summarized(), OPTIONS);

    assertThat(md)
        .contains("- runs: 2 (min / median shown)")
        .contains("| (2) Locality, 1 pipeline, 1 worker: wall s | 6.00 | 7.00 |\n")
        .contains("| (2)/(1) <= 1.5 | 1.55 | **no** |\n")
        .doesNotContain("(3)")
        .doesNotContain("(5)");
  }

  @Test
  void onlyTheLimitGivesAnEmptyTargetsTable() {
    ResultsFixture f = new ResultsFixture();
    f.limit(f.run(), 4_000, 5_000);

    String md = MarkdownReport.render(f.summarized(), OPTIONS);

    assertThat(md).endsWith("| target | measured | met |\n|---|---:|:---:|\n");
    assertThat(md).doesNotContain("(2) ");
  }
}
