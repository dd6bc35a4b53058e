package dev.locality.workflows.replay;

import java.util.List;

/**
 * The pipeline shapes whose recorded histories are committed under {@code
 * src/test/resources/histories/<generation>/<shape>.json} and replayed by {@link
 * ReplayCompatibilityTest}: every path through the pipeline workflow's command sequence that a run
 * in flight during a rolling deploy can be on. A generation is one recording (one version of the
 * workflow code); every generation stays and must keep replaying.
 */
final class HistoryShapes {
  static final String SUCCESS = "success";
  static final String FAILOVER = "failover";

  /** Two workers lost one after the other: a failover without the backoff, then one with it. */
  static final String LOST_TWICE = "lost-twice";

  /** A worker cut off the network mid-stage while its session is open, then another worker. */
  static final String PARTITION = "partition";

  /** Same-host resume: the worker restarts with its id and takes the session back (stage 2). */
  static final String RESUME = "resume";

  /** Same-host resume on, but no process of the worker id within the window: plain failover. */
  static final String RESUME_WINDOW_PASSED = "resume-window-passed";

  /** Delay scheduling: the worker holding the cached input takes the session on its own queue. */
  static final String LOCALITY = "locality";

  /** Delay scheduling: the holder does not take it within the locality wait; any worker does. */
  static final String LOCALITY_WAIT_PASSED = "locality-wait-passed";

  static final String BAD_INPUT = "bad-input";
  static final String TRANSIENT_EXHAUSTED = "transient-exhausted";
  static final String CANCEL = "cancel";
  static final String DRAIN = "drain";
  static final String NO_WORKER = "no-worker";
  static final String INVALID_SPEC = "invalid-spec";

  static final List<String> ALL =
      List.of(
          SUCCESS,
          FAILOVER,
          LOST_TWICE,
          PARTITION,
          BAD_INPUT,
          TRANSIENT_EXHAUSTED,
          CANCEL,
          DRAIN,
          NO_WORKER,
          INVALID_SPEC,
          RESUME,
          RESUME_WINDOW_PASSED,
          LOCALITY,
          LOCALITY_WAIT_PASSED);

  static final String DIRECTORY = "histories";

  /**
   * Every generation recorded so far, oldest first; the last one must have every shape. r2-1:
   * before leases named the stage types; r2-2: before the first failover after a lost worker
   * skipped the backoff (a timer after the failed session); r2-3: without that timer, behind the
   * {@code failover-no-backoff-after-lost-worker} version marker that every run records when its
   * failover loop starts (r2-3 adds the lost-twice and partition shapes); r2-4: same-host resume
   * (the {@code failover-same-host-resume} marker in runs with a reattachTimeout; adds the resume
   * and resume-window-passed shapes); r2-5-locality: delay scheduling (the {@code locality-wait-1}
   * marker and the registry hint's local activity marker in runs whose first stage is a cached
   * download; adds the locality and locality-wait-passed shapes).
   */
  static final List<String> GENERATIONS = List.of("r2-1", "r2-2", "r2-3", "r2-4", "r2-5-locality");

  private HistoryShapes() {}
}
