package dev.locality.stage;

import java.util.List;

/**
 * A pipeline stage: one unit of work that reads artifacts from the session directory on the
 * worker's local disk and writes new ones there. Each stage runs as a Temporal activity whose
 * activity type is {@link #type()}, always on the worker that holds the pipeline's session.
 *
 * <p>Implementations are discovered with {@link java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/dev.locality.stage.Stage}), must have a public no-argument constructor, and
 * must be thread-safe: one instance serves all sessions of a worker.
 *
 * <p>Contract of {@link #run}:
 *
 * <ul>
 *   <li><b>Idempotent under retry</b>: an attempt writes only into {@link StageContext#outputDir()}
 *       (emptied before each attempt) and must not have side effects outside the session directory,
 *       except a stage whose job is one (upload), which commits atomically.
 *   <li><b>Heartbeats</b> with progress at least every few seconds ({@link
 *       StageContext#heartbeat}).
 *   <li><b>Bad input</b> throws {@link BadInputException} naming the problem and where it is;
 *       anything else (an {@link java.io.IOException}) is treated as transient and retried on the
 *       same worker.
 *   <li><b>Streams</b>: memory use must not grow with input size.
 * </ul>
 */
public interface Stage {
  /** The type name used in specs and as the activity type: lower-case, dash-separated. */
  String type();

  /** One sentence for {@code locality stages} and docs. */
  String description();

  /** Every option the stage accepts; keys not declared here are errors in a spec. */
  List<OptionSpec<?>> options();

  /**
   * The worker settings the stage reads (limits, endpoints, allow-lists ops set on the worker);
   * none by default. The worker validates their values at start-up and lists them in its help.
   */
  default List<SettingSpec<?>> settings() {
    return List.of();
  }

  /**
   * Cross-option checks beyond each option's own type and validator (for example, an expression
   * that must compile). Called in the CLI before anything starts and on the worker before any data
   * moves, and only once every option has passed its own checks. Report every problem, not just the
   * first, as {@code new OptionProblem(option.name(), "what is wrong")}; the caller adds where the
   * stage is in the pipeline.
   */
  default List<OptionProblem> validate(StageConfig config) {
    return List.of();
  }

  StageResult run(StageInput input, StageContext context) throws Exception;
}
