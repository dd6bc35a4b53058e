package dev.locality.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.StageRun;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryFormatterTest {
  private final SummaryFormatter formatter = new SummaryFormatter();

  @Test
  void completedSummaryNamesPipelineWorkflowAndWorker() {
    String text = formatter.format(Fixtures.completed());

    assertThat(text)
        .startsWith("pipeline zipcodes-north COMPLETED\n")
        .contains("workflow  zipcodes-north-20261125-101500-3fa2  (run run-1)")
        .contains("worker    host-b  (queue locality@host-b-0badc0de)");
  }

  @Test
  void oneTableRowPerStageWithDurationBytesAndRows() {
    List<String> lines = formatter.format(Fixtures.completed()).lines().toList();

    String header = lines.stream().filter(l -> l.contains("STAGE")).findFirst().orElseThrow();
    assertThat(header)
        .contains("#", "STAGE", "WORKER", "DURATION", "BYTES IN → OUT", "ROWS IN", "OUT")
        .contains("FILTERED", "REJECTED");
    String transform =
        lines.stream().filter(l -> l.contains("transform-csv")).findFirst().orElseThrow();
    assertThat(transform.trim().split("\\s{2,}"))
        .containsExactly(
            "2",
            "transform-csv",
            "COMPLETED",
            "host-b",
            "1m01s",
            "5.0 MiB → 1.1 MiB",
            "42049",
            "3366",
            "38680",
            "3");
    String download = lines.stream().filter(l -> l.contains("download")).findFirst().orElseThrow();
    assertThat(download).contains("250ms", "0 B → 1.0 MiB").endsWith("-");
  }

  @Test
  void tableColumnsLineUp() {
    List<String> rows =
        formatter
            .format(Fixtures.completed())
            .lines()
            .filter(l -> l.contains(" → ") && !l.contains("STAGE"))
            .toList();

    assertThat(rows).hasSize(4);
    assertThat(rows.stream().map(l -> l.indexOf("host-b")).distinct()).hasSize(1);
    assertThat(rows.stream().map(l -> l.indexOf(" → ")).distinct()).hasSizeGreaterThan(1);
    assertThat(rows.stream().map(String::length).distinct()).hasSize(1);
  }

  @Test
  void sessionsListFailoversWithReasonsAndOutputsFollow() {
    String text = formatter.format(Fixtures.completed());

    assertThat(text)
        .contains("sessions: 2 tried, 1 failover")
        .contains("#1  host-a  FAILED  lease heartbeat timed out")
        .contains("#2  host-b  CLOSED")
        .contains("outputs:\n    file:///tmp/out/zipcodes.csv");
  }

  @Test
  void failedSummaryLeadsWithTheRootMessageThenTheChain() {
    String text = formatter.format(Fixtures.failed());

    assertThat(text.lines().findFirst().orElseThrow())
        .isEqualTo("pipeline FAILED: row 7: undeclared reference to 'lat' [BadInput]");
    assertThat(text)
        .contains("failure chain (outermost first):")
        .contains("    application failure (BadInput, non-retryable): stage 2 (transform-csv)");
  }

  @Test
  void aFailedStageShowsItsFailureOnceAndTheLiveStateIsNotRepeated() {
    StageRun failedDownload =
        new StageRun(
            0,
            "download",
            "FAILED",
            "s-1",
            "host-a",
            "q",
            1_000,
            1_400,
            null,
            List.of(),
            "stage 0 (download): SHA-256 mismatch");
    PipelineReport report =
        PipelineReport.failed(
            "p-1",
            "run-1",
            "FAILED",
            new FailureSummary("SHA-256 mismatch", "BadInput", List.of("x")),
            new PipelineStatus("FAILED", List.of(), List.of(failedDownload)));

    String text = formatter.format(report);

    assertThat(text).doesNotContain("state     FAILED");
    assertThat(text).contains("\n  stage 0 (download): SHA-256 mismatch\n");
    assertThat(text).containsOnlyOnce("stage 0 (download)");
    assertThat(text.lines().filter(l -> l.contains("download")).findFirst().orElseThrow())
        .contains("FAILED", "host-a", "400ms");
  }

  @Test
  void aRunningPipelineWithoutAnAnsweringWorkerSaysSo() {
    String text = formatter.format(PipelineReport.running("p-1", "run-1", null, List.of()));

    assertThat(text).startsWith("pipeline RUNNING\n").contains("no worker answered");
  }
}
