package dev.locality.api.session;

import java.util.List;

/**
 * Input of the session lease activity.
 *
 * @param sessionId id the workflow chose for this session
 * @param attempt 1-based session attempt of the pipeline
 * @param avoidWorkers workers that failed this pipeline before; a worker in the list may decline
 *     the lease so that another worker gets it, when one has room
 */
public record SessionRequest(String sessionId, int attempt, List<String> avoidWorkers) {}
