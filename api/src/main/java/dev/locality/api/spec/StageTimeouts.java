package dev.locality.api.spec;

import java.time.Duration;

/**
 * Per-stage activity timeouts.
 *
 * @param startToClose the longest one attempt of the stage may run
 * @param heartbeat how long a running stage may go without a heartbeat before its attempt is
 *     declared lost (a hung or dead stage)
 * @param scheduleToStart how long a stage may wait for its worker to pick it up: a dead unique
 *     queue is detected by this
 */
public record StageTimeouts(Duration startToClose, Duration heartbeat, Duration scheduleToStart) {

  public static final StageTimeouts DEFAULTS =
      new StageTimeouts(Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMinutes(1));
}
