package dev.locality.api.session;

/**
 * Signal payload a worker's session lease sends to its pipeline once it holds a session slot: from
 * now on, every stage goes to {@code taskQueue}.
 *
 * @param sessionId the session id from the {@link SessionRequest} (stale grants are ignored)
 * @param workerId the worker's id (host name by default)
 * @param host the worker's host name
 * @param taskQueue the worker's unique task queue
 */
public record SessionGrant(String sessionId, String workerId, String host, String taskQueue) {
  public static final String SIGNAL = "sessionReady";
}
