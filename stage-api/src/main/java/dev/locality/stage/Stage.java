package dev.locality.stage;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline stage: one unit of work that reads artifacts from the session directory on the
 * worker's local disk and writes new ones there. Each stage runs as a Temporal activity whose
 * activity type is {@link #type()}, always on the worker that holds the pipeline's session.
 *
 * <p>Implementations are discovered with {@link java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/dev.locality.stage.Stage}), must have a public no-argument constructor, and
 * must be <b>thread-safe</b>: one instance serves all sessions of a worker, so {@link #run} may be
 * called on several threads at once (keep per-run state in local variables, not fields).
 *
 * <p>Contract of {@link #run}:
 *
 * <ul>
 *   <li><b>Idempotent under retry</b>: an attempt writes only into {@link StageContext#outputDir()}
 *       (its own, empty at the start) and {@link StageContext#resumeDir()}, and has no side effects
 *       outside the session directory, except a stage whose job is one (upload), which commits
 *       atomically and recognises what an earlier attempt already committed.
 *   <li><b>Heartbeats</b> with progress at least every few seconds ({@link StageContext#progress}
 *       from loops, {@link StageContext#heartbeat} where a heartbeat must go out now); they throw
 *       {@link StageCancelledException} when the attempt must stop: let it propagate.
 *   <li><b>Bad input</b> throws {@link BadInputException} naming the problem and where it is;
 *       anything else (an {@link java.io.IOException}) is treated as transient and retried on the
 *       same worker.
 *   <li><b>Streams</b>: memory use must not grow with input size.
 * </ul>
 *
 * <p><b>What the framework does for you</b> (on the worker and in the test kit alike): it validates
 * the options before {@code run} ({@link #options()}, {@link #validate}); hands the stage only the
 * input artifacts it {@linkplain #consumes consumes} and appends the others, unchanged and in their
 * order, after the stage's outputs; deletes the attempt's output directory when {@code run} throws
 * (whatever it throws), so a stage never cleans up partial output itself; keeps the resume
 * directory for the next attempt after a transient failure and deletes it otherwise; throttles
 * {@link StageContext#progress}; and describes outputs written through {@link
 * StageContext#createOutput} without reading them again.
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

  /**
   * Whether {@link #run} reads data artifacts that are still compressed (gzip, bzip2, xz, zstd,
   * recognised from their content) as their decompressed content, like a {@code decompress} stage
   * before it would have written it. A stage that hands its input on compressed ({@link
   * #handsOnCompressed}) may only be followed by one that does; false by default.
   */
  default boolean readsCompressedInput() {
    return false;
  }

  /**
   * The option that, as {@code config} sets it, makes this stage hand data artifacts on still
   * compressed for the next stage to inflate as it reads ({@code decompress}'s {@code materialize:
   * false}); empty when the stage hands on what it produced (the default). Spec validation then
   * requires a next stage that {@linkplain #readsCompressedInput reads compressed input}, naming
   * this option. Called with options that passed their checks.
   */
  default Optional<String> handsOnCompressed(StageConfig config) {
    return Optional.empty();
  }

  /**
   * Whether the stage reads {@code artifact}. The framework passes only these to {@link #run} and
   * appends the others, unchanged and in their input order, after the stage's outputs. By default a
   * stage consumes data ({@link Artifact#holdsData()}) and passes anything else (a rejects file)
   * on, so rejects travel to the upload next to the output. A stage that handles every kind itself
   * (an upload publishes rejects too) returns true for all.
   */
  default boolean consumes(Artifact artifact) {
    return artifact.holdsData();
  }

  /**
   * Runs one attempt: reads {@code input}'s artifacts (those it {@linkplain #consumes consumes})
   * and returns its own outputs, every one of them (lists longer than {@link
   * ArtifactManifest#INLINE_LIMIT} travel as a manifest file, not through the workflow's history).
   *
   * @throws BadInputException when the input or options are wrong: not retried
   * @throws StageCancelledException from a heartbeat, when the attempt must stop
   * @throws Exception anything else: transient, retried on the same worker
   */
  StageResult run(StageInput input, StageContext context) throws Exception;
}
