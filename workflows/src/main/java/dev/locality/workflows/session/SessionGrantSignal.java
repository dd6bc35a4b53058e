package dev.locality.workflows.session;

import dev.locality.api.session.SessionGrant;
import io.temporal.workflow.SignalMethod;

/**
 * The signal a session lease sends once its worker holds a slot. Workflows whose interface does not
 * declare this signal get a handler from {@link WorkerSessions#registerSignalHandler()}.
 */
public interface SessionGrantSignal {
  @SignalMethod(name = SessionGrant.SIGNAL)
  void sessionReady(SessionGrant grant);
}
