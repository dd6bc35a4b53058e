package dev.locality.api.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
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
 * @param reattachWindow the pipeline's {@code reattachTimeout}: when positive, the worker records
 *     it in the session directory so that, should the worker die, a restarted worker's janitor
 *     keeps the session's files for that long; null or zero: no same-host resume
 * @param reattach set on a re-attach offer only (sent to one worker id's re-attach queue): the
 *     earlier session whose files the worker is to take over; null for an ordinary lease
 */
// Absent fields are left out of the JSON (an ordinary lease and grant travel exactly as before the
// re-attach fields existed, so workers and workflows of either version read them); unknown fields
// are ignored.
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionRequest(
    String sessionId,
    int attempt,
    List<String> avoidWorkers,
    List<String> stageTypes,
    Duration reattachWindow,
    ReattachOffer reattach) {

  /** A request that any worker may take (no stage types named). */
  public SessionRequest(String sessionId, int attempt, List<String> avoidWorkers) {
    this(sessionId, attempt, avoidWorkers, List.of());
  }

  /** An ordinary request without same-host resume. */
  public SessionRequest(
      String sessionId, int attempt, List<String> avoidWorkers, List<String> stageTypes) {
    this(sessionId, attempt, avoidWorkers, stageTypes, null, null);
  }

  /** The stage types named, never null. */
  public List<String> requiredStageTypes() {
    return stageTypes == null ? List.of() : stageTypes;
  }

  /** Whether the session's files are to be kept for a restarted worker should this one die. */
  public boolean keepsFilesForReattach() {
    return reattachWindow != null && reattachWindow.compareTo(Duration.ZERO) > 0;
  }
}
