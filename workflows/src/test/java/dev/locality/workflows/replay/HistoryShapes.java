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
          BAD_INPUT,
          TRANSIENT_EXHAUSTED,
          CANCEL,
          DRAIN,
          NO_WORKER,
          INVALID_SPEC);

  static final String DIRECTORY = "histories";

  /** Every generation recorded so far, oldest first; the last one must have every shape. */
  static final List<String> GENERATIONS = List.of("r2-1", "r2-2");

  private HistoryShapes() {}
}
