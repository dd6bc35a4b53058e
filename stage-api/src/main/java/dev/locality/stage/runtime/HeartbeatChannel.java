package dev.locality.stage.runtime;

import dev.locality.stage.Progress;
import dev.locality.stage.StageCancelledException;
import java.util.Optional;

/**
 * Where an attempt's heartbeats go, and what the previous attempt's last heartbeat was: the part of
 * an {@link AttemptContext} that differs between the worker (Temporal's activity heartbeats, with
 * the session fence) and the test kit (recorded, with simulated cancellation and heartbeat
 * timeout). Called on the stage attempt's thread.
 */
public interface HeartbeatChannel {
  /**
   * Delivers {@code progress}; every call, unthrottled ({@link AttemptContext} throttles {@code
   * progress}, the worker's SDK what it sends over the network).
   *
   * @throws StageCancelledException when the attempt must stop (cancelled, timed out, session lost,
   *     worker shutting down); its cause, if any, is the orchestrator's own exception
   */
  void heartbeat(Progress progress);

  /** The last progress the previous attempt of this stage delivered, if any: a resume point. */
  Optional<Progress> previous();
}
