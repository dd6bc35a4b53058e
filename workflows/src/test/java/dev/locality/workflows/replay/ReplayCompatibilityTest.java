package dev.locality.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rolling-deploy safety: the committed histories of every pipeline shape ({@link HistoryShapes})
 * replay against the current {@link PipelineWorkflowImpl}. A change to the workflow's command
 * sequence that would break pipelines in flight fails here; guard such a change with {@code
 * Workflow.getVersion} (README, "Contributing"), then record the new shape with {@link
 * HistoryRecorderTest} and commit it beside the old ones.
 */
class ReplayCompatibilityTest {
  /** Every committed history: each generation's shapes (older generations may lack some). */
  static Stream<String> histories() {
    return HistoryShapes.GENERATIONS.stream()
        .flatMap(g -> HistoryShapes.ALL.stream().map(shape -> g + "/" + shape))
        .filter(
            h -> ReplayCompatibilityTest.class.getClassLoader().getResource(resource(h)) != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysTheRecordedHistory(String history) throws Exception {
    WorkflowExecutionHistory recorded = WorkflowExecutionHistory.fromJson(read(history));
    assertThat(recorded.getEvents()).hasSizeGreaterThan(3);

    WorkflowReplayer.replayWorkflowExecution(recorded, PipelineWorkflowImpl.class);
  }

  /**
   * The backoff skip's version check is taken when the run starts: a failover recorded before it
   * (r2-2: the backoff timer, no marker) replays with its timer, and a lost worker recorded after
   * it (r2-3: the marker first, no timer) replays without one. Both histories are checked to have
   * that shape, so the replays are not vacuous.
   */
  @Test
  void failoversRecordedWithAndWithoutTheBackoffReplay() throws Exception {
    WorkflowExecutionHistory before = WorkflowExecutionHistory.fromJson(read("r2-2/failover"));
    assertThat(before.getEvents())
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED);
    assertThat(before.getEvents()).noneMatch(ReplayCompatibilityTest::isBackoffSkipMarker);
    WorkflowReplayer.replayWorkflowExecution(before, PipelineWorkflowImpl.class);

    for (String lost : List.of("r2-3/failover", "r2-3/partition")) {
      WorkflowExecutionHistory after = WorkflowExecutionHistory.fromJson(read(lost));
      assertThat(after.getEvents())
          .as(lost)
          .filteredOn(ReplayCompatibilityTest::isBackoffSkipMarker)
          .hasSize(1);
      assertThat(after.getEvents())
          .as(lost)
          .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED);
      WorkflowReplayer.replayWorkflowExecution(after, PipelineWorkflowImpl.class);
    }
  }

  /**
   * Same-host resume's histories have its shape (so their replays are not vacuous): the {@code
   * failover-same-host-resume} marker once; the lost session offered back on w1's re-attach queue;
   * in {@code resume} the first stage scheduled once (the restarted worker verified it), the next
   * one (found differing) and the crashed one twice; in {@code resume-window-passed} every stage of
   * the failed-over run again. A run recorded without the option (r2-4/failover) has no such
   * marker.
   */
  @Test
  void sameHostResumeHistoriesReplayWithTheirShape() throws Exception {
    WorkflowExecutionHistory resumed = WorkflowExecutionHistory.fromJson(read("r2-4/resume"));
    assertThat(resumed.getEvents())
        .filteredOn(e -> isMarker(e, "failover-same-host-resume"))
        .hasSize(1);
    assertThat(leaseQueues(resumed)).containsExactly("locality", "locality@w1-reattach");
    assertThat(scheduled(resumed, "download")).isEqualTo(1);
    // the restarted worker found stage 0 intact and stage 1 differing: 1 and 2 run again
    assertThat(scheduled(resumed, "decompress")).isEqualTo(2);
    assertThat(scheduled(resumed, "transform-csv")).isEqualTo(2);
    WorkflowReplayer.replayWorkflowExecution(resumed, PipelineWorkflowImpl.class);

    WorkflowExecutionHistory window =
        WorkflowExecutionHistory.fromJson(read("r2-4/resume-window-passed"));
    assertThat(leaseQueues(window)).containsExactly("locality", "locality@w1-reattach", "locality");
    assertThat(scheduled(window, "download")).isEqualTo(2);
    WorkflowReplayer.replayWorkflowExecution(window, PipelineWorkflowImpl.class);

    WorkflowExecutionHistory plain = WorkflowExecutionHistory.fromJson(read("r2-4/failover"));
    assertThat(plain.getEvents()).noneMatch(e -> isMarker(e, "failover-same-host-resume"));
  }

  /**
   * Delay scheduling's histories have its shape: the {@code locality-wait-1} marker once; in {@code
   * locality} the only lease on w2's preferred queue; in {@code locality-wait-passed} the preferred
   * offer, then the shared queue. Runs without a cached download (r2-5-locality/success) have no
   * such marker.
   */
  @Test
  void delaySchedulingHistoriesReplayWithTheirShape() throws Exception {
    WorkflowExecutionHistory near =
        WorkflowExecutionHistory.fromJson(read("r2-5-locality/locality"));
    assertThat(near.getEvents()).filteredOn(e -> isMarker(e, "locality-wait-1")).hasSize(1);
    assertThat(leaseQueues(near)).containsExactly("locality@w2-prefer");
    WorkflowReplayer.replayWorkflowExecution(near, PipelineWorkflowImpl.class);

    WorkflowExecutionHistory far =
        WorkflowExecutionHistory.fromJson(read("r2-5-locality/locality-wait-passed"));
    assertThat(far.getEvents()).filteredOn(e -> isMarker(e, "locality-wait-1")).hasSize(1);
    assertThat(leaseQueues(far)).containsExactly("locality@w2-prefer", "locality");
    WorkflowReplayer.replayWorkflowExecution(far, PipelineWorkflowImpl.class);

    WorkflowExecutionHistory plain =
        WorkflowExecutionHistory.fromJson(read("r2-5-locality/success"));
    assertThat(plain.getEvents()).noneMatch(e -> isMarker(e, "locality-wait-1"));
  }

  private static boolean isMarker(HistoryEvent e, String changeId) {
    return e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().getDetailsMap().containsKey("changeId")
        && e.getMarkerRecordedEventAttributes()
            .getDetailsMap()
            .get("changeId")
            .toString()
            .contains(changeId);
  }

  private static List<String> leaseQueues(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals("session-lease"))
        .map(a -> a.getTaskQueue().getName())
        .toList();
  }

  private static long scheduled(WorkflowExecutionHistory history, String activityType) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(
            e ->
                e.getActivityTaskScheduledEventAttributes()
                    .getActivityType()
                    .getName()
                    .equals(activityType))
        .count();
  }

  /**
   * A worker that picks a run up mid-way (its cache evicted, another worker frozen or cut off)
   * replays the history up to the workflow task it was given and runs that task's code for real.
   * Every such cut of the lost-worker histories, before and after the backoff skip, must replay:
   * this is where a version check met at a different point than where it was recorded fails.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("lostWorkerHistories")
  void everyCutOfALostWorkerHistoryAtAWorkflowTaskReplays(String history) throws Exception {
    WorkflowExecutionHistory recorded = WorkflowExecutionHistory.fromJson(read(history));
    List<HistoryEvent> events = recorded.getEvents();
    int cuts = 0;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) continue;
      WorkflowExecutionHistory cut =
          new WorkflowExecutionHistory(
              History.newBuilder().addAllEvents(events.subList(0, i + 1)).build(),
              recorded.getWorkflowExecution().getWorkflowId());
      WorkflowReplayer.replayWorkflowExecution(cut, PipelineWorkflowImpl.class);
      cuts++;
    }
    assertThat(cuts).as("workflow tasks in %s", history).isGreaterThan(3);
  }

  static Stream<String> lostWorkerHistories() {
    return Stream.of(
        "r2-2/failover",
        "r2-3/failover",
        "r2-3/partition",
        "r2-3/lost-twice",
        "r2-4/resume",
        "r2-4/resume-window-passed");
  }

  private static boolean isBackoffSkipMarker(HistoryEvent e) {
    return e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().getDetailsMap().containsKey("changeId")
        && e.getMarkerRecordedEventAttributes()
            .getDetailsMap()
            .get("changeId")
            .toString()
            .contains("failover-no-backoff-after-lost-worker");
  }

  @Test
  void theNewestGenerationHasEveryShape() {
    List<String> generations = HistoryShapes.GENERATIONS;
    String newest = generations.get(generations.size() - 1);
    for (String shape : HistoryShapes.ALL) {
      assertThat(getClass().getClassLoader().getResource(resource(newest + "/" + shape)))
          .as("history %s/%s (record it with HistoryRecorderTest)", newest, shape)
          .isNotNull();
    }
  }

  /** {@code generation/shape} → its resource path. */
  static String resource(String history) {
    return HistoryShapes.DIRECTORY + "/" + history + ".json";
  }

  private static String read(String shape) throws IOException {
    try (InputStream in =
        ReplayCompatibilityTest.class.getClassLoader().getResourceAsStream(resource(shape))) {
      assertThat(in).as("history %s", shape).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
