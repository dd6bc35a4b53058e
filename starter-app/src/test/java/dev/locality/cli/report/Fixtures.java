package dev.locality.cli.report;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.StageMetrics;
import java.util.List;

/** Reports shaped like real pipeline runs, for the formatter tests. */
final class Fixtures {
  static final String QUEUE_B = "locality@host-b-0badc0de";

  private Fixtures() {}

  /** Four stages on host-b after host-a was lost once. */
  static PipelineResult resultWithFailover() {
    List<StageRun> stages =
        List.of(
            stage(0, "download", 1_000, 1_250, StageMetrics.bytes(0, 1_048_576)),
            stage(1, "decompress", 1_250, 3_750, StageMetrics.bytes(1_048_576, 5_242_880)),
            stage(
                2,
                "transform-csv",
                3_750,
                65_000,
                new StageMetrics(5_242_880, 1_200_000, 42_049, 3_366, 38_680, 3)),
            new StageRun(
                3,
                "upload",
                "COMPLETED",
                "s-2",
                "host-b",
                QUEUE_B,
                65_000,
                65_120,
                StageMetrics.bytes(1_200_000, 1_200_000),
                List.of("file:///tmp/out/zipcodes.csv"),
                null));
    List<SessionRecord> sessions =
        List.of(
            new SessionRecord(
                "s-1",
                1,
                "host-a",
                "locality@host-a-12345678",
                "FAILED",
                500,
                900,
                "lease heartbeat timed out"),
            new SessionRecord("s-2", 2, "host-b", QUEUE_B, "CLOSED", 950, 65_200, null));
    return new PipelineResult(
        "zipcodes-north",
        "host-b",
        QUEUE_B,
        stages,
        sessions,
        List.of("file:///tmp/out/zipcodes.csv"));
  }

  static StageRun stage(int index, String type, long start, long end, StageMetrics metrics) {
    return new StageRun(
        index, type, "COMPLETED", "s-2", "host-b", QUEUE_B, start, end, metrics, List.of(), null);
  }

  static PipelineReport completed() {
    return PipelineReport.completed(
        "zipcodes-north-20261125-101500-3fa2", "run-1", resultWithFailover());
  }

  static PipelineReport failed() {
    return PipelineReport.failed(
        "zipcodes-north-20261125-101500-3fa2",
        "run-1",
        "FAILED",
        new FailureSummary(
            "row 7: undeclared reference to 'lat'",
            "BadInput",
            List.of(
                "workflow zipcodes-north-20261125-101500-3fa2 failed (WorkflowFailedException)",
                "application failure (BadInput, non-retryable): stage 2 (transform-csv) failed",
                "application failure (BadInput, non-retryable): row 7: undeclared reference to"
                    + " 'lat'")),
        null);
  }
}
