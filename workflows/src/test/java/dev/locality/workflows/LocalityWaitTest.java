package dev.locality.workflows;

import static dev.locality.workflows.testing.Specs.pipeline;
import static dev.locality.workflows.testing.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.locality.api.session.TaskQueues;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.workflows.session.LocalityPreference;
import dev.locality.workflows.testing.FakeFleet;
import dev.locality.workflows.testing.FakeWorker;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delay scheduling, the workflow's decisions: a pipeline whose first stage is a cached download
 * asks which worker holds the URL and offers its first session on that worker's preferred queue for
 * {@code session.localityWait}, then on the shared queue; other pipelines ask nothing and record no
 * marker. The fake registry answer stands in for the worker registry (read by worker-app; the IT
 * runs the real thing).
 */
class LocalityWaitTest {
  private static final String URL = "http://origin.example/data/big.csv";

  private static final SessionSpec WAIT_3S =
      new SessionSpec(
          Duration.ofSeconds(2),
          Duration.ofSeconds(20),
          3,
          Duration.ofMillis(300),
          null,
          Duration.ZERO,
          Duration.ofSeconds(3));

  private FakeFleet fleet;

  @BeforeEach
  void setUp() {
    fleet = FakeFleet.start();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private PipelineResult run(String workflowId, SessionSpec session, Map<String, Object> download) {
    return fleet
        .newPipeline(workflowId, Duration.ofMinutes(5))
        .run(pipeline(session, stage("download", download), stage("upload")));
  }

  private List<String> leaseQueues(String workflowId) {
    return fleet.client().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals("session-lease"))
        .map(a -> a.getTaskQueue().getName())
        .toList();
  }

  private long markers(String workflowId) {
    return fleet.client().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .filter(e -> e.getMarkerRecordedEventAttributes().toString().contains("locality-wait-1"))
        .count();
  }

  @Test
  void theWorkerHoldingTheUrlGetsThePipelineThoughAnotherIsFree() {
    fleet.worker("w1", "0001").start();
    FakeWorker holder = fleet.worker("w2", "0002").withPreferredQueue().start();
    fleet.hints().answer("w2");

    for (int i = 0; i < 3; i++) {
      PipelineResult result = run("near-" + i, WAIT_3S, Map.of("url", URL, "cache", true));
      assertThat(result.workerId()).isEqualTo("w2");
      assertThat(leaseQueues("near-" + i))
          .containsExactly(TaskQueues.preferred(FakeWorker.SHARED_QUEUE, "w2"));
      assertThat(markers("near-" + i)).isEqualTo(1);
    }
    assertThat(holder.stages().invocations()).hasSize(6);
    assertThat(fleet.hints().calls()).isEqualTo(3);
    assertThat(fleet.hints().lastUrlHash()).isEqualTo(sha256(URL));
  }

  @Test
  void aHolderThatDoesNotTakeItWithinTheWaitLeavesItToAnyWorker() {
    fleet.worker("w1", "0001").start();
    fleet.worker("w2", "0002"); // holds the URL by the registry's word, but never polls
    fleet.hints().answer("w2");

    PipelineResult result = run("far", WAIT_3S, Map.of("url", URL, "cache", true));

    assertThat(result.workerId()).isEqualTo("w1");
    assertThat(leaseQueues("far"))
        .containsExactly(
            TaskQueues.preferred(FakeWorker.SHARED_QUEUE, "w2"), FakeWorker.SHARED_QUEUE);
    assertThat(result.sessions())
        .extracting(SessionRecord::attempt, SessionRecord::workerId, SessionRecord::state)
        .containsExactly(tuple(1, null, "FAILED"), tuple(1, "w1", "CLOSED"));
    // the preferred offer waited the locality wait, not the creation timeout
    var events = fleet.client().fetchHistory("far").getEvents();
    var scheduled =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getTaskQueue()
                        .getName()
                        .endsWith("-prefer"))
            .findFirst()
            .orElseThrow();
    assertThat(
            scheduled
                .getActivityTaskScheduledEventAttributes()
                .getScheduleToStartTimeout()
                .getSeconds())
        .isLessThanOrEqualTo(3);
  }

  @Test
  void noHolderMeansTheSharedQueueAtOnce() {
    fleet.worker("w1", "0001").start();
    PipelineResult result = run("none", WAIT_3S, Map.of("url", URL, "cache", true));
    assertThat(result.workerId()).isEqualTo("w1");
    assertThat(leaseQueues("none")).containsExactly(FakeWorker.SHARED_QUEUE);
    assertThat(fleet.hints().calls()).isEqualTo(1);
  }

  @Test
  void pipelinesWithoutACachedDownloadOrWithWaitZeroAskNothing() {
    fleet.worker("w1", "0001").start();
    fleet.worker("w2", "0002").withPreferredQueue().start();
    fleet.hints().answer("w2");
    SessionSpec off =
        new SessionSpec(
            Duration.ofSeconds(2),
            Duration.ofSeconds(20),
            3,
            Duration.ofMillis(300),
            null,
            Duration.ZERO,
            Duration.ZERO);

    run("uncached", WAIT_3S, Map.of("url", URL));
    run("off", off, Map.of("url", URL, "cache", true));

    assertThat(fleet.hints().calls()).isZero();
    assertThat(leaseQueues("uncached")).containsExactly(FakeWorker.SHARED_QUEUE);
    assertThat(leaseQueues("off")).containsExactly(FakeWorker.SHARED_QUEUE);
    assertThat(markers("uncached")).isZero();
    assertThat(markers("off")).isZero();
  }

  @Test
  void theUrlHashIsTheSha256OfTheUrlAsWritten() {
    // computed with Python's hashlib; the download stage's CacheKey.urlHash is checked against it
    assertThat(LocalityPreference.urlHash("http://a/b.csv"))
        .isEqualTo("d1ed8a6fb93b3ce40950c4b2ef5906af73b896b847cd30b043da4fd6033b5913");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
