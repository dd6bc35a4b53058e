package dev.locality.api.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Signal payload a worker's session lease sends to its pipeline once it holds a session slot: from
 * now on, every stage goes to {@code taskQueue}.
 *
 * @param sessionId the session id from the {@link SessionRequest} (stale grants are ignored)
 * @param workerId the worker's id (host name by default)
 * @param host the worker's host name
 * @param taskQueue the worker's unique task queue
 * @param verifiedStages set only when the worker took over an earlier session's files ({@link
 *     SessionRequest#reattach()}): how many leading completed stages of the offer it found intact,
 *     0 to {@code completedStages.size()}; null for an ordinary grant
 */
// Absent fields are left out of the JSON (an ordinary lease and grant travel exactly as before the
// re-attach fields existed, so workers and workflows of either version read them); unknown fields
// are ignored.
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionGrant(
    String sessionId, String workerId, String host, String taskQueue, Integer verifiedStages) {
  public static final String SIGNAL = "sessionReady";

  /** An ordinary grant: a new, empty session directory. */
  public SessionGrant(String sessionId, String workerId, String host, String taskQueue) {
    this(sessionId, workerId, host, taskQueue, null);
  }

  /**
   * Whether the worker took over an earlier session's files. Not named like a getter, so the JSON
   * payload carries only the record's components.
   */
  public boolean tookOverFiles() {
    return verifiedStages != null;
  }
}
