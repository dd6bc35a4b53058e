package dev.locality.api.workflow;

import java.util.List;

/**
 * Answer of the {@code status} query.
 *
 * @param state WAITING_FOR_WORKER, RUNNING, FAILING_OVER, COMPLETED, FAILED, SKIPPED_UNCHANGED (a
 *     {@code download} with {@code ifChanged: true} found its sources unchanged)
 * @param sessions every session tried, oldest first
 * @param stages stages of the current session attempt
 */
public record PipelineStatus(String state, List<SessionRecord> sessions, List<StageRun> stages) {}
