package dev.locality.cli.report;

import dev.locality.stage.Progress;

/**
 * A stage activity the server reports as pending for a running pipeline (from
 * DescribeWorkflowExecution), with the progress from its last heartbeat.
 *
 * @param type activity type, which is the stage type (or the session lease)
 * @param state SCHEDULED, STARTED or CANCEL_REQUESTED
 * @param attempt 1-based attempt on the current worker
 * @param progress the last heartbeat's progress, null when none was recorded or it is unreadable
 * @param lastFailure the previous attempt's failure message, null when none
 * @param activityId the activity's id within the workflow (distinguishes repeats of one type)
 * @param startedAtMillis epoch millis when the current attempt started, 0 when not yet
 * @param lastHeartbeatMillis epoch millis of the last heartbeat the server recorded, 0 when none
 */
public record PendingStage(
    String type,
    String state,
    int attempt,
    Progress progress,
    String lastFailure,
    String activityId,
    long startedAtMillis,
    long lastHeartbeatMillis) {}
