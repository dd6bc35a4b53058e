package dev.locality.api.workflow;

/**
 * One worker session a pipeline opened (or tried to).
 *
 * @param sessionId unique id of the session
 * @param attempt 1-based session attempt of the pipeline
 * @param workerId worker holding the session, null while still waiting for one
 * @param taskQueue the worker's unique queue, null while waiting
 * @param state WAITING, OPEN, CLOSED or FAILED
 * @param openedAtMillis epoch millis when a worker granted it, 0 if never
 * @param closedAtMillis epoch millis when it closed or failed, 0 while open
 * @param failure why it failed, null otherwise
 */
public record SessionRecord(
    String sessionId,
    int attempt,
    String workerId,
    String taskQueue,
    String state,
    long openedAtMillis,
    long closedAtMillis,
    String failure) {}
