package dev.locality.activities.session;

import java.time.Duration;

/**
 * Stops this worker from polling the shared queue for new session leases for a while, so that a
 * lease it declined is picked up by another worker (the server otherwise hands it straight back).
 * Implementations must be thread-safe and must not resume polling once the worker is draining.
 */
@FunctionalInterface
public interface SharedQueuePause {
  void pauseFor(Duration duration);
}
