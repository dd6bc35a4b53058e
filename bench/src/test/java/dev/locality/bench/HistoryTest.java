package dev.locality.bench;

import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskCompletedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {
  /** Builds a history; event ids count from 1 in the order of the calls. */
  private static final class Events {
    final List<HistoryEvent> list = new ArrayList<>();

    long add(EventType type, long millis) {
      return add(HistoryEvent.newBuilder().setEventType(type), millis);
    }

    long add(HistoryEvent.Builder event, long millis) {
      long id = list.size() + 1;
      list.add(
          event
              .setEventId(id)
              .setEventTime(
                  Timestamp.newBuilder()
                      .setSeconds(millis / 1000)
                      .setNanos((int) (millis % 1000) * 1_000_000))
              .build());
      return id;
    }

    /** An activity of {@code type} scheduled, started and completed at the given times. */
    void activity(String type, long scheduled, long started, long completed) {
      long sid =
          add(
              HistoryEvent.newBuilder()
                  .setEventType(EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                  .setActivityTaskScheduledEventAttributes(
                      ActivityTaskScheduledEventAttributes.newBuilder()
                          .setActivityType(ActivityType.newBuilder().setName(type))),
              scheduled);
      add(
          HistoryEvent.newBuilder()
              .setEventType(EVENT_TYPE_ACTIVITY_TASK_STARTED)
              .setActivityTaskStartedEventAttributes(
                  ActivityTaskStartedEventAttributes.newBuilder().setScheduledEventId(sid)),
          started);
      add(
          HistoryEvent.newBuilder()
              .setEventType(EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
              .setActivityTaskCompletedEventAttributes(
                  ActivityTaskCompletedEventAttributes.newBuilder().setScheduledEventId(sid)),
          completed);
    }
  }

  @Test
  void pipelineAndStageTimesFromTheEvents() {
    Events e = new Events();
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 1_000_000);
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 1_000_100); // session granted
    e.activity("download", 1_000_120, 1_000_125, 1_000_500);
    e.activity("decompress", 1_000_530, 1_000_532, 1_000_800);
    e.activity("release-session", 1_000_810, 1_000_811, 1_000_850); // not a stage
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 1_000_900);

    ObjectNode h = History.summarize("wf-1", e.list);

    assertThat(h.get("workflowId").asText()).isEqualTo("wf-1");
    assertThat(h.get("startedAtMillis").asLong()).isEqualTo(1_000_000);
    assertThat(h.get("closedAtMillis").asLong()).isEqualTo(1_000_900);
    assertThat(h.get("wallMillis").asLong()).isEqualTo(900);
    assertThat(h.get("sessionOpenMillis").asLong()).isEqualTo(100);
    assertThat(h.get("closeMillis").asLong()).isEqualTo(100); // last stage done -> closed
    assertThat(h.get("events").asInt()).isEqualTo(12);
    JsonNode stages = h.get("stages");
    assertThat(stages).hasSize(2);
    JsonNode download = stages.get(0);
    assertThat(download.get("type").asText()).isEqualTo("download");
    assertThat(download.get("queueMillis").asLong()).isEqualTo(5);
    assertThat(download.get("execMillis").asLong()).isEqualTo(375);
    assertThat(download.get("gapMillis").asLong()).isEqualTo(20); // signal -> scheduled
    assertThat(download.get("overheadMillis").asLong()).isEqualTo(25);
    assertThat(download.get("startedEventSeen").asBoolean()).isTrue();
    JsonNode decompress = stages.get(1);
    assertThat(decompress.get("type").asText()).isEqualTo("decompress");
    assertThat(decompress.get("queueMillis").asLong()).isEqualTo(2);
    assertThat(decompress.get("execMillis").asLong()).isEqualTo(268);
    assertThat(decompress.get("gapMillis").asLong()).isEqualTo(30); // download done -> scheduled
    assertThat(decompress.get("overheadMillis").asLong()).isEqualTo(32);
  }

  @Test
  void stagesAreListedInPipelineOrderAndTheFinalSessionsRunWins() {
    Events e = new Events();
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 10_000);
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 10_050);
    e.activity("download", 10_060, 10_061, 10_300);
    // the first session fails; the second one runs the pipeline again
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 20_000);
    e.activity("download", 20_030, 20_032, 20_200);
    e.activity("upload", 20_240, 20_241, 20_400);
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 20_450);

    ObjectNode h = History.summarize("wf-2", e.list);

    assertThat(h.get("sessionOpenMillis").asLong()).isEqualTo(50); // the first grant
    assertThat(h.get("wallMillis").asLong()).isEqualTo(10_450);
    assertThat(h.get("stages").findValuesAsText("type")).containsExactly("download", "upload");
    JsonNode download = h.get("stages").get(0);
    assertThat(download.get("execMillis").asLong()).isEqualTo(168);
    assertThat(download.get("gapMillis").asLong()).isEqualTo(30); // second grant -> scheduled
    assertThat(download.get("completedAtMillis").asLong()).isEqualTo(20_200);
  }

  @Test
  void withoutASessionGrantTheSessionOpenTimeIsUnknown() {
    Events e = new Events();
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 5_000);
    e.add(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 5_040);

    ObjectNode h = History.summarize("wf-3", e.list);

    assertThat(h.get("sessionOpenMillis").asLong()).isEqualTo(-1);
    assertThat(h.get("closeMillis").asLong()).isZero();
    assertThat(h.get("stages")).isEmpty();
  }
}
