package dev.locality.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.workflows.PipelineWorkflowImpl;
import dev.locality.workflows.checkpoint.Checkpoints;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorded histories of stage checkpoints ({@code histories/checkpoints-1/}, recorded by {@code
 * CheckpointFailoverTest} with {@code -Dlocality.recordHistories=true}) replay against the current
 * workflow code, whole and cut at every workflow task (a worker that picks the run up mid-way), and
 * have their shape: the {@value Checkpoints#CHANGE_ID} marker, a background save, a restore after
 * the failover.
 */
class CheckpointReplayTest {
  private static final String DIRECTORY = "histories/checkpoints-1/";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"checkpoint-restore", "checkpoint-unusable"})
  void replaysWholeAndAtEveryCut(String name) throws Exception {
    WorkflowExecutionHistory recorded = WorkflowExecutionHistory.fromJson(read(name));
    List<HistoryEvent> events = recorded.getEvents();
    assertThat(events.stream().filter(CheckpointReplayTest::isCheckpointMarker)).hasSize(1);
    assertThat(scheduled(events, "CheckpointSave")).isPositive();
    assertThat(scheduled(events, "CheckpointRestore")).isEqualTo(1);
    assertThat(scheduled(events, "download")).isEqualTo(name.equals("checkpoint-restore") ? 1 : 2);

    WorkflowReplayer.replayWorkflowExecution(recorded, PipelineWorkflowImpl.class);
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
    assertThat(cuts).isGreaterThan(3);
  }

  private static long scheduled(List<HistoryEvent> events, String activityType) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(
            e ->
                e.getActivityTaskScheduledEventAttributes()
                    .getActivityType()
                    .getName()
                    .equals(activityType))
        .count();
  }

  private static boolean isCheckpointMarker(HistoryEvent e) {
    return e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().getDetailsMap().containsKey("changeId")
        && e.getMarkerRecordedEventAttributes()
            .getDetailsMap()
            .get("changeId")
            .toString()
            .contains(Checkpoints.CHANGE_ID);
  }

  private static String read(String name) throws IOException {
    try (InputStream in =
        CheckpointReplayTest.class
            .getClassLoader()
            .getResourceAsStream(DIRECTORY + name + ".json")) {
      assertThat(in).as("history %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
