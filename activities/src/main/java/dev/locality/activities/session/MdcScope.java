package dev.locality.activities.session;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts log context (workflow, session, worker, stage) into the SLF4J MDC of the current thread and
 * restores the previous values on {@link #close()}. Use in try-with-resources on the thread that
 * runs the activity; not thread-safe.
 */
public final class MdcScope implements AutoCloseable {
  public static final String WORKFLOW_ID = "workflowId";
  public static final String SESSION_ID = "sessionId";
  public static final String WORKER_ID = "workerId";
  public static final String STAGE = "stage";

  private final Map<String, String> previous = new LinkedHashMap<>();

  private MdcScope() {}

  /** Sets workflow, session and worker ids. */
  public static MdcScope of(String workflowId, String sessionId, String workerId) {
    return new MdcScope()
        .with(WORKFLOW_ID, workflowId)
        .with(SESSION_ID, sessionId)
        .with(WORKER_ID, workerId);
  }

  /** Also sets {@code key} (null values remove the key for the scope). */
  public MdcScope with(String key, String value) {
    if (!previous.containsKey(key)) previous.put(key, MDC.get(key));
    if (value == null) MDC.remove(key);
    else MDC.put(key, value);
    return this;
  }

  @Override
  public void close() {
    previous.forEach(
        (key, value) -> {
          if (value == null) MDC.remove(key);
          else MDC.put(key, value);
        });
  }
}
