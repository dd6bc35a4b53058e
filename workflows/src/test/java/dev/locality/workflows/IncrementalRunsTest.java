package dev.locality.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineState;
import dev.locality.api.workflow.PipelineStateWorkflow;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakePipelineState;
import dev.locality.workflows.testing.FakeWorker;
import dev.locality.workflows.testing.Specs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incremental runs in the pipeline workflow on Temporal's test environment: the state workflow per
 * pipeline name, the last source version handed to the stage, SKIPPED_UNCHANGED, recording only
 * after success.
 */
class IncrementalRunsTest {
  private FakeFleet fleet;
  private FakeWorker worker;
  private FakePipelineState state;
  private int runs;

  @BeforeEach
  void setUp() {
    fleet = FakeFleet.start();
    state = new FakePipelineState(fleet.client());
    worker = fleet.worker("w1", "0001").withActivities(state).start();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private PipelineResult run(String version, Map<String, Object> lastStage) {
    PipelineWorkflow pipeline = fleet.newPipeline("incremental-" + ++runs, Duration.ofMinutes(5));
    return pipeline.run(
        Specs.pipeline(
            Specs.stage("download", Map.of("ifChanged", true, "sourceVersion", version)),
            Specs.stage("transform-csv", Map.of("rows", 3)),
            Specs.stage("upload", lastStage)));
  }

  private PipelineState recorded() {
    return fleet
        .client()
        .newWorkflowStub(
            PipelineStateWorkflow.class, PipelineStateWorkflow.workflowId("test-pipeline"))
        .last();
  }

  @Test
  void theSecondRunOfAnUnchangedSourceIsSkippedAndAChangeRunsAgain() {
    PipelineResult first = run("v1", Map.of("uri", "file:///out/a.csv"));
    assertThat(first.status()).isEqualTo(PipelineResult.COMPLETED);
    assertThat(recorded().versionOf(0)).isEqualTo("v1");

    PipelineResult second = run("v1", Map.of("uri", "file:///out/a.csv"));
    assertThat(second.status()).isEqualTo(PipelineResult.SKIPPED_UNCHANGED);
    assertThat(second.skippedUnchanged()).isTrue();
    assertThat(second.outputUris()).isEmpty();
    assertThat(second.stages())
        .extracting(r -> r.state())
        .containsExactly("COMPLETED", "SKIPPED", "SKIPPED");
    StageInvocation download = worker.stages().invocations().get(3);
    assertThat(download.stage().options()).containsEntry("lastSourceVersion", "v1");

    PipelineResult third = run("v2", Map.of("uri", "file:///out/a.csv"));
    assertThat(third.status()).isEqualTo(PipelineResult.COMPLETED);
    assertThat(third.outputUris()).containsExactly("file:///out/a.csv");
    assertThat(recorded().versionOf(0)).isEqualTo("v2");
  }

  @Test
  void aFailedRunRecordsNothing() {
    run("v1", Map.of());
    Throwable failed =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> run("v2", Map.of("fail", "bad-input")));
    assertThat(failed).isNotNull();
    assertThat(recorded().versionOf(0)).isEqualTo("v1");
    // so the next run with v2 is not skipped
    assertThat(run("v2", Map.of()).status()).isEqualTo(PipelineResult.COMPLETED);
  }

  @Test
  void aSpecWithoutIfChangedNeverTouchesTheState() {
    PipelineWorkflow pipeline = fleet.newPipeline("plain", Duration.ofMinutes(5));
    PipelineResult result =
        pipeline.run(Specs.pipeline(Specs.stage("download", Map.of("rows", 1))));
    assertThat(result.status()).isEqualTo(PipelineResult.COMPLETED);
    assertThat(state.reads).isZero();
    assertThat(state.records).isZero();
  }

  @Test
  void theStateWorkflowKeepsTheNewerOfTwoRecordings() {
    run("v1", Map.of());
    var stub =
        fleet
            .client()
            .newWorkflowStub(
                PipelineStateWorkflow.class, PipelineStateWorkflow.workflowId("test-pipeline"));
    stub.recordSuccess(new PipelineState("test-pipeline", Map.of("0", "old"), "w", "r", 0));
    assertThat(stub.last().versionOf(0)).isEqualTo("v1");
    assertThat(List.of(stub.last().pipelineName())).containsExactly("test-pipeline");
  }
}
