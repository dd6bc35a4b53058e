package dev.locality.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.workflow.CheckpointRecord;
import dev.locality.api.workflow.PipelineResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint events of a completed run in the summary and the JSON report. */
class CheckpointSummaryTest {
  private static PipelineReport withCheckpoints() {
    PipelineResult r = Fixtures.resultWithFailover();
    PipelineResult result =
        new PipelineResult(
            r.name(),
            r.workerId(),
            r.taskQueue(),
            r.stages(),
            r.sessions(),
            r.outputUris(),
            r.status(),
            List.of(
                new CheckpointRecord(
                    0, "download", CheckpointRecord.SAVED, "s-1", "s3://b/ck/x/", 1_048_576, null),
                new CheckpointRecord(
                    0,
                    "download",
                    CheckpointRecord.UNUSABLE,
                    "s-2",
                    "s3://b/ck/x/",
                    0,
                    "it has 3 bytes with SHA-256 ab, the manifest says 4 bytes with cd")));
    return PipelineReport.completed("wf", "run-1", result);
  }

  @Test
  void theSummaryListsEachCheckpointEventWithItsReason() {
    String text = new SummaryFormatter().format(withCheckpoints());
    assertThat(text)
        .contains("\n  checkpoints:\n")
        .contains("    stage 0 (download) SAVED s3://b/ck/x/, 1048576 bytes\n")
        .contains(
            "    stage 0 (download) UNUSABLE s3://b/ck/x/: it has 3 bytes with SHA-256 ab,"
                + " the manifest says 4 bytes with cd\n");
  }

  @Test
  void withoutCheckpointsTheSummaryHasNoSuchSection() {
    assertThat(new SummaryFormatter().format(Fixtures.completed())).doesNotContain("checkpoints");
  }

  @Test
  void theJsonReportCarriesThem() throws Exception {
    JsonReport json = new JsonReport();
    JsonNode tree = new ObjectMapper().readTree(json.toJson(withCheckpoints()));
    assertThat(tree.get("checkpoints")).hasSize(2);
    assertThat(tree.get("checkpoints").get(1).get("event").asText()).isEqualTo("UNUSABLE");
    JsonNode none = new ObjectMapper().readTree(json.toJson(Fixtures.completed()));
    assertThat(none.get("checkpoints")).isEmpty();
  }
}
