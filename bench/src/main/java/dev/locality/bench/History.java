package dev.locality.bench;

import static dev.locality.bench.Json.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The times of one pipeline, from the server's event history. */
final class History {
  private History() {}

  /**
   * Times of one pipeline from its event history. Per stage (the final session's run of it): {@code
   * queueMillis} scheduled → started (dispatch to the worker), {@code execMillis} started →
   * completed (the stage's own work), {@code gapMillis} from the previous step (session granted, or
   * the previous stage completed) to scheduled (the workflow task that schedules it), {@code
   * overheadMillis} = queue + gap. Pipeline: {@code sessionOpenMillis} started → session granted
   * (signal), {@code closeMillis} last stage completed → workflow closed, {@code events}, {@code
   * historyBytes} (the events' protobuf size: what each non-sticky workflow task sends), {@code
   * workflowTasks} (completed workflow tasks), {@code eventCounts} per event type and {@code
   * eventSequence} (ms since started, type, activity type or signal or marker name).
   */
  static ObjectNode summarize(String workflowId, List<HistoryEvent> events) {
    ObjectNode out = JSON.createObjectNode();
    long start = 0;
    long end = 0;
    long lastStep = 0;
    Map<Long, String> typeOf = new HashMap<>();
    Map<Long, Long> scheduledAt = new HashMap<>();
    Map<Long, Long> gapOf = new HashMap<>();
    Map<Long, Long> startedAt = new HashMap<>();
    Map<String, ObjectNode> stages = new LinkedHashMap<>();
    long firstSignal = 0;
    Map<String, Integer> eventCounts = new java.util.TreeMap<>();
    List<String> sequence = new java.util.ArrayList<>();
    for (HistoryEvent e : events) {
      long t = millis(e.getEventTime());
      eventCounts.merge(eventName(e), 1, Integer::sum);
      sequence.add(t - (start == 0 ? t : start) + " " + eventName(e) + detail(e));
      switch (e.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> start = t;
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
            end = t;
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
          lastStep = t;
          if (firstSignal == 0) firstSignal = t;
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
          typeOf.put(e.getEventId(), type);
          scheduledAt.put(e.getEventId(), t);
          if (Specs.STAGES.contains(type)) gapOf.put(e.getEventId(), t - lastStep);
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            startedAt.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), t);
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          long sid = e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
          String type = typeOf.get(sid);
          if (type != null && Specs.STAGES.contains(type)) {
            lastStep = t;
            long s = startedAt.getOrDefault(sid, t);
            ObjectNode stage = JSON.createObjectNode();
            stage.put("type", type);
            stage.put("queueMillis", s - scheduledAt.get(sid));
            stage.put("execMillis", t - s);
            stage.put("gapMillis", gapOf.get(sid));
            stage.put("overheadMillis", s - scheduledAt.get(sid) + gapOf.get(sid));
            stage.put("completedAtMillis", t);
            stage.put("startedEventSeen", startedAt.containsKey(sid));
            stages.put(type, stage); // the final session's run wins
          }
        }
        default -> {}
      }
    }
    long lastCompleted =
        stages.values().stream()
            .mapToLong(s -> s.get("completedAtMillis").asLong())
            .max()
            .orElse(end);
    out.put("workflowId", workflowId);
    out.put("startedAtMillis", start);
    out.put("closedAtMillis", end);
    out.put("wallMillis", end - start);
    out.put("sessionOpenMillis", firstSignal == 0 ? -1 : firstSignal - start);
    out.put("closeMillis", end - lastCompleted);
    out.put("events", events.size());
    out.put("historyBytes", events.stream().mapToLong(HistoryEvent::getSerializedSize).sum());
    out.put("workflowTasks", eventCounts.getOrDefault("WORKFLOW_TASK_COMPLETED", 0));
    out.set("eventCounts", JSON.valueToTree(eventCounts));
    out.set("eventSequence", JSON.valueToTree(sequence));
    ArrayNode list = out.putArray("stages");
    for (String type : Specs.STAGES) if (stages.containsKey(type)) list.add(stages.get(type));
    return out;
  }

  /** The activity type of a scheduled activity, the signal's or marker's name; else nothing. */
  private static String detail(HistoryEvent e) {
    return switch (e.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED ->
          " " + e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
      case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ->
          " " + e.getWorkflowExecutionSignaledEventAttributes().getSignalName();
      case EVENT_TYPE_MARKER_RECORDED -> " " + e.getMarkerRecordedEventAttributes().getMarkerName();
      default -> "";
    };
  }

  /** The event's type without the {@code EVENT_TYPE_} prefix. */
  private static String eventName(HistoryEvent e) {
    return e.getEventType().name().replaceFirst("^EVENT_TYPE_", "");
  }

  static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}
