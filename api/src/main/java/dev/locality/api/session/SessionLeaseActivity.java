package dev.locality.api.session;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The worker side of a session, scheduled on the shared task queue. The worker that picks it up
 * reserves one of its session slots, creates the session directory, signals {@link SessionGrant} to
 * the workflow, then heartbeats until the workflow cancels it (closing the session); it then
 * deletes the session directory and frees the slot.
 *
 * <p>Heartbeat duty: heartbeats every heartbeatTimeout/3 or faster; a missing heartbeat is how the
 * workflow learns that the worker died, independently of how long any stage runs.
 */
@ActivityInterface
public interface SessionLeaseActivity {
  String TYPE = "session-lease";

  @ActivityMethod(name = TYPE)
  void hold(SessionRequest request);
}
