package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SummaryTest {
  /** One run of every section with round figures (see {@link ResultsFixture}). */
  static ResultsFixture everySection() {
    ResultsFixture f = new ResultsFixture();
    ObjectNode run = f.run();
    f.limit(run, 4_000, 5_000);
    f.duckdb(run, 2_000, ResultsFixture.ROWS_OUT);
    f.pipeline(run, 6_000, 4_000);
    f.kill(run, 26_000, 3_000);
    f.noAffinity(run, 4_000, 3_000, 4_500, 500);
    f.small(24.5);
    return f;
  }

  private static double median(JsonNode stats, String key) {
    return stats.get(key).get("median").asDouble();
  }

  @Test
  void ratesAndRatiosOfOneRun() {
    JsonNode stats = Summary.of(everySection().results).get("stats");

    assertThat(median(stats, "limit.stream.mibps")).isCloseTo(25.0, within(1e-9));
    assertThat(median(stats, "limit.zcat.mibps")).isCloseTo(100.0, within(1e-9));
    assertThat(median(stats, "limit.download.mibps")).isCloseTo(60.0, within(1e-9)); // of gz
    assertThat(median(stats, "limit.gunzip.mibps")).isCloseTo(100.0, within(1e-9)); // of CSV
    assertThat(median(stats, "limit.copy.mibps")).isCloseTo(360.0, within(1e-9));
    assertThat(median(stats, "stage.download.mibps")).isCloseTo(60.0, within(1e-9));
    assertThat(median(stats, "stage.decompress.mibps")).isCloseTo(100 / 0.7, within(1e-9));
    assertThat(median(stats, "stage.transform-csv.seconds")).isEqualTo(4.0);
    assertThat(median(stats, "pipeline.overheadSeconds")).isCloseTo(0.5, within(1e-9));
    assertThat(median(stats, "pipeline.cliSeconds")).isCloseTo(6.9, within(1e-9));
    assertThat(median(stats, "ratio.pipelineOverLimit")).isCloseTo(1.5, within(1e-9));
    assertThat(median(stats, "ratio.transformOverRaw")).isCloseTo(1.25, within(1e-9));
    assertThat(median(stats, "kill.extraSeconds")).isCloseTo(20.0, within(1e-9));
    assertThat(median(stats, "kill.budgetSeconds")).isCloseTo(15.0, within(1e-9)); // 10 + 3 + 2
    assertThat(median(stats, "noaff.seconds")).isCloseTo(12.0, within(1e-9));
    assertThat(median(stats, "noaff.noaff-transform.seconds")).isCloseTo(4.5, within(1e-9));
    assertThat(median(stats, "ratio.noAffinityOverPipeline")).isCloseTo(2.0, within(1e-9));
    assertThat(median(stats, "duckdb.seconds")).isEqualTo(2.0);
    assertThat(median(stats, "duckdb.mibps")).isCloseTo(50.0, within(1e-9)); // of CSV
    assertThat(median(stats, "duckdb.peakRssMib")).isEqualTo(770.0);
    assertThat(median(stats, "duckdb.rowsOut")).isEqualTo(900_000.0);
    assertThat(median(stats, "ratio.duckdbOverGunzip")).isCloseTo(0.5, within(1e-9));
    assertThat(median(stats, "ratio.pipelineOverDuckdb")).isCloseTo(1 / 3.0, within(1e-9));
    assertThat(median(stats, "ratio.transformOverGunzip"))
        .isCloseTo(
            median(stats, "stage.transform-csv.mibps") / median(stats, "limit.gunzip.mibps"),
            within(1e-9));
    assertThat(median(stats, "ratio.pipelineOverGunzip"))
        .isCloseTo(
            median(stats, "pipeline.mibps") / median(stats, "limit.gunzip.mibps"), within(1e-9));
  }

  @Test
  void decompressPlusTransformWithAndWithoutMaterialize() {
    JsonNode stats = Summary.of(everySection().results).get("stats");

    // transform-csv 4 s: 0.7 + 4 overlapped; 2.7 + 5 one after the other
    assertThat(median(stats, "pipeline.decompressTransformSeconds")).isCloseTo(4.7, within(1e-9));
    assertThat(median(stats, "materialized.decompressTransformSeconds"))
        .isCloseTo(7.7, within(1e-9));
    assertThat(median(stats, "materialized.seconds")).isCloseTo(9.0, within(1e-9));
    assertThat(median(stats, "ratio.overlapSaving")).isCloseTo(4.7 / 7.7, within(1e-9));
    // transform-csv's MiB/s is of the CSV (100 MiB in 4 s), whatever it read (the .gz when
    // decompress does not materialize)
    assertThat(median(stats, "stage.transform-csv.mibps")).isCloseTo(25.0, within(1e-9));
  }

  @Test
  void duckdbRowsAreCheckedAgainstThePipelinesRowsOut() {
    ObjectNode summary = Summary.of(everySection().results);

    JsonNode check = summary.get("checks").get("duckdbRowsOut");
    assertThat(check.get("met").asBoolean()).isTrue();
    assertThat(check.get("runs").get(0).get("duckdb").asLong()).isEqualTo(900_000);
    assertThat(check.get("runs").get(0).get("pipeline").asLong()).isEqualTo(900_000);
  }

  @Test
  void aRowCountMismatchIsReportedNotThrown() {
    ResultsFixture f = new ResultsFixture();
    ObjectNode run = f.run();
    f.duckdb(run, 2_000, 899_999);
    f.pipeline(run, 6_000, 4_000);

    ObjectNode summary = Summary.of(f.results);

    assertThat(summary.get("checks").get("duckdbRowsOut").get("met").asBoolean()).isFalse();
    assertThat(Summary.rowsMismatch(run))
        .isEqualTo(
            "ROW COUNT MISMATCH in run 1: DuckDB wrote 899,999 rows, the Locality pipeline"
                + " 900,000");
  }

  @Test
  void withoutThePipelineDuckdbIsNotCrossCheckedNorCompared() {
    ResultsFixture f = new ResultsFixture();
    ObjectNode run = f.run();
    f.limit(run, 4_000, 5_000);
    f.duckdb(run, 2_000, 1);

    ObjectNode summary = Summary.of(f.results);

    assertThat(summary.has("checks")).isFalse();
    assertThat(Summary.rowsMismatch(run)).isNull();
    assertThat(summary.get("stats").has("ratio.duckdbOverGunzip")).isTrue();
    assertThat(summary.get("stats").has("ratio.pipelineOverDuckdb")).isFalse();
    assertThat(summary.get("targets").has("pipelineFasterThanDuckdb")).isFalse();
  }

  @Test
  void statsAreMinMedianMaxAndCountOverTheRuns() {
    ResultsFixture f = new ResultsFixture();
    for (long wall : new long[] {8_000, 6_000, 7_000, 9_000}) f.pipeline(f.run(), wall, 4_000);

    JsonNode wall = Summary.of(f.results).get("stats").get("pipeline.seconds");

    assertThat(wall.get("min").asDouble()).isEqualTo(6.0);
    assertThat(wall.get("median").asDouble()).isEqualTo(7.5);
    assertThat(wall.get("max").asDouble()).isEqualTo(9.0);
    assertThat(wall.get("n").asInt()).isEqualTo(4);
  }

  @Test
  void targetVerdictsOnTheMedians() {
    JsonNode targets = Summary.of(everySection().results).get("targets");

    assertThat(targets.fieldNames())
        .toIterable()
        .containsExactly(
            "pipelineWithin1.5xLimit",
            "transformAtLeast90PercentOfRaw",
            "workerHeapUnder256m",
            "killExtraWithinBudget",
            "pipelineFasterThanDuckdb",
            "transformAtLeast80PercentOfGunzip",
            "pipelineAtLeastHalfOfGunzip",
            "smallPipelinesAtLeast25PerSecond",
            "overheadPerStageUnder50ms");
    assertThat(targets.get("pipelineWithin1.5xLimit").get("met").asBoolean()).isTrue(); // 1.5
    assertThat(targets.get("workerHeapUnder256m").get("value").asDouble()).isEqualTo(120.0);
    JsonNode kill = targets.get("killExtraWithinBudget");
    assertThat(kill.get("value").asDouble()).isCloseTo(5.0, within(1e-9)); // 20 - (10 + 3 + 2)
    assertThat(kill.get("met").asBoolean()).isFalse();
    assertThat(kill.get("what").asText())
        .isEqualTo("(3)-(2) <= heartbeatTimeout + work before kill + 2 s");
    assertThat(targets.get("overheadPerStageUnder50ms").get("value").asDouble()).isEqualTo(24.5);
    JsonNode duck = targets.get("pipelineFasterThanDuckdb");
    assertThat(duck.get("value").asDouble()).isCloseTo(1 / 3.0, within(1e-9));
    assertThat(duck.get("met").asBoolean()).isFalse();
  }

  @Test
  void sectionsNotRunHaveNoStatsAndNoTargets() {
    ResultsFixture f = new ResultsFixture();
    f.limit(f.run(), 4_000, 5_000);

    ObjectNode summary = Summary.of(f.results);

    assertThat(summary.get("stats").fieldNames())
        .toIterable()
        .allMatch(key -> key.startsWith("limit."));
    assertThat(summary.get("targets")).isEmpty();
  }

  @Test
  void aKillWithoutFailoverIsLeftOut() {
    ResultsFixture f = new ResultsFixture();
    ObjectNode run = f.run();
    f.pipeline(run, 6_000, 4_000);
    f.kill(run, 26_000, 3_000).remove("parts");

    ObjectNode summary = Summary.of(f.results);

    assertThat(summary.get("stats").has("kill.seconds")).isFalse();
    assertThat(summary.get("targets").has("killExtraWithinBudget")).isFalse();
  }
}
