package dev.locality.stages.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.StageCancelledException;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long query heartbeats while it runs, and stops when the attempt must. */
class SqlCancellationTest {
  @TempDir Path tmp;

  private static boolean queryThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("sql-query-") && t.isAlive());
  }

  @Test
  void aCancelInterruptsTheRunningQueryAndLeavesNothing() throws Exception {
    StageTestRunner runner =
        StageTestRunner.of(new SqlStage(), tmp)
            .input("x.csv", "a\n1\n")
            // hours of work: only the cancel ends it
            .option("query", "select sum(hash(i)) s from range(1000000000000) t(i)")
            .cancelAfterHeartbeats(3);
    long start = System.nanoTime();
    runner.runExpectingFailure(StageCancelledException.class); // also checks: no files left
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).as("stopped soon after the cancelling heartbeat").isLessThan(20_000);
    assertThat(queryThreadAlive()).as("the query's thread ended").isFalse();
    assertThat(runner.outputDir()).doesNotExist();
  }

  /** Over a CSV, DuckDB knows how far its scan is: the heartbeats carry rows done of a total. */
  @Test
  void heartbeatsOverACsvScanCarryDuckDbsProgress() throws Exception {
    StageTestRunner runner = StageTestRunner.of(new SqlStage(), tmp.resolve("csv"));
    try (var w = java.nio.file.Files.newBufferedWriter(runner.newInput("numbers.csv"))) {
      w.write("n,text\n");
      for (int i = 0; i < 1_000_000; i++) w.write(i + ",row-" + i + "\n");
    }
    var out =
        runner
            // 100 hashes a row, in the scan's own pipeline (a join would make the scan a build
            // side, whose progress DuckDB does not report): several heartbeats while it advances
            .option(
                "query",
                "select n % 10 g, sum(list_sum(list_transform(range(100), x -> hash(text || x) % 1000)))"
                    + " s from input group by 1")
            .workerSetting("sqlThreads", "1")
            .run();
    assertThat(out.heartbeats())
        .as("heartbeats with DuckDB's progress: %s", out.heartbeats())
        .anyMatch(p -> p.total() > 0 && p.done() > 0 && p.done() <= p.total());
  }

  @Test
  void aLongQueryHeartbeatsWhileItRuns() throws Exception {
    var out =
        StageTestRunner.of(new SqlStage(), tmp)
            .input("x.csv", "a\n1\n")
            .option("query", "select sum(hash(i)) % 7 s from range(400000000) t(i)")
            .workerSetting("sqlThreads", "1")
            .heartbeatTimeout(Duration.ofSeconds(3))
            .run();
    assertThat(out.heartbeats().size()).isGreaterThanOrEqualTo(2);
    assertThat(out.heartbeats()).allMatch(p -> p.unit().equals("rows"));
    assertThat(out.outputs().get(0).rows()).isEqualTo(1);
  }
}
