package dev.locality.workflows;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.locality.api.session.SessionRequest;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mixed fleet: workers load different plugins, so a stage type may exist on some workers only.
 * The session goes to a worker that has every stage of the pipeline, or the pipeline fails with a
 * clear "no worker supports stage X" within the session's creation timeout.
 */
class MixedFleetTest {
  private FakeFleet fleet;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    // real time: the workflow's pauses between lease requests must let declining workers resume
    fleet = FakeFleet.start(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    client = fleet.client();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private PipelineWorkflow newPipeline(String workflowId) {
    return fleet.newPipeline(workflowId, Duration.ofMinutes(5));
  }

  @Test
  void theSessionGoesToTheWorkerThatHasTheStage() throws Exception {
    FakeWorker w1 = fleet.worker("w1", "0001").withoutStages("geo-enrich").start();
    PipelineWorkflow pipeline = newPipeline("mixed-ok");
    // a creation timeout far beyond the declines below, so a loaded machine cannot end the wait
    SessionSpec patient =
        new SessionSpec(Duration.ofSeconds(10), Duration.ofSeconds(90), 3, Duration.ofSeconds(5));
    CompletableFuture<PipelineResult> result =
        WorkflowClient.execute(
            pipeline::run,
            pipeline(patient, stage("download"), stage("geo-enrich"), stage("upload")));
    // only w1 is up: it declines, more than maxDeclines times, and never accepts
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> w1.lease().declines() > SessionOptionsDefaults.MAX_DECLINES);
    assertThat(result).isNotDone();
    FakeWorker w2 = fleet.worker("w2", "0002").start();

    PipelineResult done = result.get();

    assertThat(done.workerId()).isEqualTo("w2");
    assertThat(w1.stages().invocations()).isEmpty();
    assertThat(w2.stages().invocations()).hasSize(3);
    assertThat(w1.lease().requests())
        .extracting(SessionRequest::requiredStageTypes)
        .containsOnly(List.of("download", "geo-enrich", "upload"));
    assertThat(done.sessions()).hasSize(1);
  }

  @Test
  void whenNoWorkerHasTheStageThePipelineFailsNamingItWithinTheCreationTimeout() {
    fleet.worker("w1", "0001").withoutStages("geo-enrich").start();
    fleet.worker("w2", "0002").withoutStages("geo-enrich", "upload").start();
    SessionSpec session =
        new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(6), 3, Duration.ofMillis(300));
    PipelineWorkflow pipeline = newPipeline("mixed-none");

    long started = System.nanoTime();
    Throwable thrown =
        catchThrowable(
            () -> pipeline.run(pipeline(session, stage("download"), stage("geo-enrich"))));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
    ApplicationFailure failure = (ApplicationFailure) thrown.getCause();
    assertThat(failure.getType()).isEqualTo(Failures.NO_WORKER);
    assertThat(failure.getOriginalMessage())
        .startsWith("no worker supports stage 'geo-enrich' (declined by ")
        .contains("w1")
        .contains("w2")
        .endsWith(") within 6s");
    assertThat(tookMillis).isBetween(5_000L, 15_000L);
  }

  /**
   * The default of {@code SessionOptions.maxDeclines}, the refusals after which a worker accepts.
   */
  private static final class SessionOptionsDefaults {
    static final int MAX_DECLINES =
        dev.locality.workflows.session.SessionOptions.DEFAULT_MAX_DECLINES;
  }
}
