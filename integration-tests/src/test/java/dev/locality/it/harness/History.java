package dev.locality.it.harness;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A workflow's event history as fetched from the server, with look-ups the tests need: activities
 * by type and queue, and event times. Immutable snapshot.
 */
public final class History {
  private final List<HistoryEvent> events;
  private final Map<Long, HistoryEvent> scheduledById = new HashMap<>();

  public History(List<HistoryEvent> events) {
    this.events = List.copyOf(events);
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduledById.put(e.getEventId(), e);
      }
    }
  }

  public List<HistoryEvent> events() {
    return events;
  }

  /** Events of one type, oldest first. */
  public List<HistoryEvent> ofType(EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).toList();
  }

  /** The ACTIVITY_TASK_SCHEDULED events of one activity type, oldest first. */
  public List<HistoryEvent> scheduled(String activityType) {
    return ofType(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).stream()
        .filter(
            e ->
                e.getActivityTaskScheduledEventAttributes()
                    .getActivityType()
                    .getName()
                    .equals(activityType))
        .toList();
  }

  /**
   * Events of {@code type} (started, completed, failed, timed out, cancelled) that belong to an
   * activity of {@code activityType}, oldest first.
   */
  public List<HistoryEvent> activityEvents(EventType type, String activityType) {
    return ofType(type).stream().filter(belongsTo(activityType)).toList();
  }

  /** The activity type of the activity an activity event belongs to. */
  public String activityTypeOf(HistoryEvent event) {
    HistoryEvent scheduled = scheduledById.get(scheduledEventId(event));
    return scheduled == null
        ? null
        : scheduled.getActivityTaskScheduledEventAttributes().getActivityType().getName();
  }

  /** The task queue the activity an activity event belongs to was scheduled on. */
  public String taskQueueOf(HistoryEvent event) {
    HistoryEvent scheduled = scheduledById.get(scheduledEventId(event));
    return scheduled == null
        ? null
        : scheduled.getActivityTaskScheduledEventAttributes().getTaskQueue().getName();
  }

  private Predicate<HistoryEvent> belongsTo(String activityType) {
    return e -> activityType.equals(activityTypeOf(e));
  }

  private static long scheduledEventId(HistoryEvent e) {
    return switch (e.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> e.getEventId();
      case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
          e.getActivityTaskStartedEventAttributes().getScheduledEventId();
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
          e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
      case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
          e.getActivityTaskFailedEventAttributes().getScheduledEventId();
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
          e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
      case EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED ->
          e.getActivityTaskCancelRequestedEventAttributes().getScheduledEventId();
      case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
          e.getActivityTaskCanceledEventAttributes().getScheduledEventId();
      default -> -1;
    };
  }

  /** An event's server time in epoch millis. */
  public static long millis(HistoryEvent event) {
    Timestamp t = event.getEventTime();
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}
