package dev.locality.it.harness;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One Locality worker of a test deployment, whatever runs it (a child JVM or a container), with the
 * faults a test can inject. Implementations are thread-safe.
 */
public interface ItWorker {
  String workerId();

  /**
   * Waits until the worker polls (it logged its unique queue name).
   *
   * @return the unique queue name
   */
  String awaitReady(Duration timeout);

  /** The unique queue name if the worker has logged it yet. */
  Optional<String> uniqueQueue();

  /** Crash: SIGKILL, no cleanup, no drain; returns once it is gone. */
  void kill();

  /** Graceful stop: SIGTERM (drain); returns at once, see {@link #waitForExit}. */
  void stop();

  /** Waits for the worker to exit; its exit code, or empty if still running after the timeout. */
  Optional<Integer> waitForExit(Duration timeout);

  boolean isAlive();

  /** Freezes every thread of the worker (SIGSTOP / container pause): alive but silent. */
  void pause();

  /** Undoes {@link #pause}. */
  void unpause();

  /**
   * Cuts the worker off the network (server, origin and S3 alike) while it keeps running.
   *
   * @throws UnsupportedOperationException in process mode
   */
  void partition();

  /** Undoes {@link #partition}. */
  void heal();

  /** Whether this kind of worker supports {@link #partition}. */
  boolean canPartition();

  /**
   * Files and directories left under the worker's work root besides its incarnation directories and
   * their lock files (session directories and what is in them); empty for a worker whose disk is
   * gone (a killed container).
   */
  List<String> sessionLeftovers();

  /** Standard output and error so far. */
  String log();

  /** The last 40 lines of {@link #log()}. */
  default String logTail() {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Stops the worker: SIGTERM, then SIGKILL after {@code grace}. Idempotent. */
  void close(Duration grace);
}
