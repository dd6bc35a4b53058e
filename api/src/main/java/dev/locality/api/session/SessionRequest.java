package dev.locality.api.session;

import java.util.List;

/**
 * Input of the session lease activity.
 *
 * @param sessionId id the workflow chose for this session
 * @param attempt 1-based session attempt of the pipeline
 * @param avoidWorkers workers that failed this pipeline before; a worker in the list may decline
 *     the lease so that another worker gets it, when one has room
 * @param stageTypes the stage types the pipeline runs; a worker lacking any of them always declines
 *     (failure type {@code LeaseUnsupported}), whatever the avoid list. Null or empty (requests of
 *     workflows started before this field existed): any worker may take the lease
 */
public record SessionRequest(
    String sessionId, int attempt, List<String> avoidWorkers, List<String> stageTypes) {

  /** A request that any worker may take (no stage types named). */
  public SessionRequest(String sessionId, int attempt, List<String> avoidWorkers) {
    this(sessionId, attempt, avoidWorkers, List.of());
  }

  /** The stage types named, never null. */
  public List<String> requiredStageTypes() {
    return stageTypes == null ? List.of() : stageTypes;
  }
}
