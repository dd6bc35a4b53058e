package dev.locality.stage.testkit;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Leftovers;
import dev.locality.stage.OptionCheck;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.AttemptContext;
import dev.locality.stage.runtime.AttemptDirs;
import dev.locality.stage.runtime.AttemptRunner;
import dev.locality.stage.runtime.HeartbeatChannel;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import dev.locality.stage.runtime.ResourceCache;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Runs one {@link Stage} without Temporal, over a session directory on local disk, exactly as a
 * worker does: the stage test kit for plugin authors. A stage test is three steps — set options,
 * add inputs, check the outcome:
 *
 * <pre>{@code
 * @Test
 * void convertsRows(@TempDir Path tmp) throws Exception {
 *   StageTestRunner.Outcome out =
 *       StageTestRunner.of(new CsvToJsonlStage(), tmp)
 *           .option("delimiter", ";")
 *           .input("people.csv", "name;age\nAda;36\n")
 *           .run();
 *   assertEquals("{\"name\":\"Ada\",\"age\":\"36\"}\n", out.text("people.jsonl"));
 *   assertEquals(1, out.metrics().rowsOut());
 * }
 * }</pre>
 *
 * <p><b>The worker's own framework.</b> The stage runs in the worker's {@code StageContext}
 * implementation ({@link AttemptContext}) through the worker's {@link AttemptRunner}, over the
 * worker's directory layout ({@link AttemptDirs}): inputs live in {@code <session>/inputs}; attempt
 * {@code n} writes to {@code <session>/<index>-<type>/attempt-<n>} and keeps resume files in {@code
 * resume-<n>}. So, as on a worker: the options are validated first ({@link #run} fails on any
 * problem, {@link #validate} returns them); worker settings are checked against the stage's {@link
 * Stage#settings()}; the stage gets only the artifacts it {@linkplain Stage#consumes consumes} and
 * the rest is appended to its outputs; a failed attempt's output directory is deleted; {@link
 * StageContext#resolve} and {@link StageContext#artifact} reject paths outside the session, also
 * through symbolic links; {@link StageContext#progress} is throttled; every heartbeat that reaches
 * the framework is recorded ({@link Outcome#heartbeats()}).
 *
 * <p><b>Simulations.</b>
 *
 * <ul>
 *   <li><b>Retry</b>: every {@code run*} call on one runner is the stage's next attempt in the same
 *       session. After a transient failure the next attempt finds the failed one's resume files in
 *       its {@link StageContext#resumeDir()} and its last heartbeat as {@link
 *       StageContext#previousProgress()} ({@code runner.runExpectingFailure(IOException.class);
 *       runner.run();}). {@link #retryOf} sets both explicitly for a new runner.
 *   <li><b>Cancellation</b>: {@link #cancelAfterHeartbeats} delivers a cancel on the next
 *       heartbeat, which throws {@link StageCancelledException} as on a worker.
 *   <li><b>Heartbeat timeout</b>: {@link #heartbeatTimeout} fails the attempt when the stage goes
 *       longer than that without a heartbeat (from its start, between heartbeats, or before it
 *       returns): the late heartbeat throws {@link StageCancelledException}, and the {@code run*}
 *       call reports an {@link AssertionError} naming the gap.
 *   <li><b>Worker settings</b>: {@link #workerSetting} values, checked like the worker's.
 *   <li><b>Worker-owned paths</b>: {@link #workerOwnedPaths} sets what {@link
 *       StageContext#workerOwnedPaths()} returns (a worker's work root and plugins directory; none
 *       by default).
 *   <li><b>Leftovers</b>: the attempts of a runner share one {@link Leftovers} record; {@link
 *       #leftovers(Leftovers)} hands it to another runner, as a failover hands the pipeline's
 *       record to another worker.
 *   <li><b>Shared resources</b>: {@link StageContext#resources()} is a worker's {@link
 *       ResourceCache} (default budgets) that the attempts of a runner share, and the runners that
 *       {@link Outcome#then} makes from it; {@link #resources(ResourceCache)} shares one between
 *       runners, as the sessions of one worker share it (its {@link ResourceCache#stats()} then
 *       tell how often a resource was loaded).
 * </ul>
 *
 * <p>Broken contracts are reported as {@link AssertionError}s (so any test framework shows them as
 * failures); the kit depends on nothing but the stage API. {@link Outcome#then} feeds one stage's
 * outputs into the next stage of the same session. Not thread-safe: one runner per test.
 */
public final class StageTestRunner {
  private final Stage stage;
  private final Path sessionDir;
  private final int index;
  private final Map<String, Object> options = new LinkedHashMap<>();
  private final List<Artifact> inputs = new ArrayList<>();
  private final Map<String, String> workerSettings = new LinkedHashMap<>();
  private List<Path> workerOwnedPaths = List.of();
  private Leftovers leftovers = Leftovers.inMemory();
  private ResourceCache resources =
      new ResourceCache(ResourceCache.DEFAULT_MAX_ENTRIES, ResourceCache.DEFAULT_MAX_BYTES, null);
  private final List<Stage> pipelineStages = new ArrayList<>();
  private final AttemptDirs attemptDirs = new AttemptDirs();
  private PipelineInfo pipeline = new PipelineInfo("test-pipeline", "wf-test", "run-test");
  private boolean validateFirst = true;
  private int attempts;
  private int nextAttempt;
  private Progress previousProgress;
  private int cancelAfter = -1;
  private Duration heartbeatTimeout;
  private LongSupplier nanoTime = System::nanoTime;

  private StageTestRunner(Stage stage, Path sessionDir, int index) {
    this.stage = stage;
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.index = index;
    this.pipelineStages.add(stage);
  }

  /** A runner for {@code stage} over a fresh session directory {@code <tempDir>/session}. */
  public static StageTestRunner of(Stage stage, Path tempDir) {
    return new StageTestRunner(stage, tempDir.resolve("session"), 1);
  }

  /** Sets an option as a pipeline spec would (strings, numbers, booleans, lists, maps). */
  public StageTestRunner option(String key, Object value) {
    options.put(key, value);
    return this;
  }

  /**
   * Sets a worker setting the stage reads through {@link StageContext#setting}. Checked when the
   * stage runs, as a worker checks its settings when it starts: against the settings the stage (and
   * the stages before it, see {@link Outcome#then}) declare, so an unknown name or a value that
   * does not parse makes {@code run*} throw {@link InvalidWorkerSettingsException}.
   */
  public StageTestRunner workerSetting(String name, String value) {
    workerSettings.put(name, value);
    return this;
  }

  /**
   * Sets the directories {@link StageContext#workerOwnedPaths()} returns, as a worker passes its
   * work root and plugins directory: for testing that a stage refuses spec-supplied paths inside
   * them. None by default.
   */
  public StageTestRunner workerOwnedPaths(Path... paths) {
    this.workerOwnedPaths = List.of(paths);
    return this;
  }

  /**
   * Sets the record {@link StageContext#leftovers()} returns. Each runner has its own, shared by
   * its attempts (as a worker's record is shared by every attempt of a stage); pass one runner's
   * {@link #leftovers()} to another to simulate a failover to another worker.
   */
  public StageTestRunner leftovers(Leftovers leftovers) {
    this.leftovers = leftovers;
    return this;
  }

  /**
   * The record of leftovers the attempts of this runner share; see {@link #leftovers(Leftovers)}.
   */
  public Leftovers leftovers() {
    return leftovers;
  }

  /**
   * Sets the worker's cache of shared resources the stage reaches through {@link
   * StageContext#resources()}: pass one cache to several runners to simulate the sessions of one
   * worker. Each runner has its own by default. The caller closes it.
   */
  public StageTestRunner resources(ResourceCache cache) {
    this.resources = cache;
    return this;
  }

  /**
   * The cache of shared resources this runner's attempts use; see {@link
   * #resources(ResourceCache)}.
   */
  public ResourceCache resources() {
    return resources;
  }

  public StageTestRunner pipeline(PipelineInfo pipeline) {
    this.pipeline = pipeline;
    return this;
  }

  /**
   * Makes the next attempt number {@code attempt} with {@code previousProgress} as the progress its
   * previous attempt reported ({@link StageContext#previousProgress()}): a retry whose earlier
   * attempts another runner (or nobody) ran. Resume files an ended earlier attempt of this stage
   * left in the session are handed over as on a worker. Running attempts on one runner needs none
   * of this: each {@code run*} call is the next attempt.
   */
  public StageTestRunner retryOf(int attempt, Progress previousProgress) {
    if (attempt < 2) throw new IllegalArgumentException("a retry is attempt 2 or later");
    this.nextAttempt = attempt;
    this.previousProgress = previousProgress;
    return this;
  }

  /**
   * Cancels the pipeline after the stage's first {@code heartbeats} heartbeats (0: before it
   * starts): the next heartbeat, and every later one, throws {@link StageCancelledException} as on
   * a worker. For testing that a stage stops and lets the exception propagate: {@code
   * runExpectingFailure(StageCancelledException.class)}. Applies to every later attempt of this
   * runner.
   */
  public StageTestRunner cancelAfterHeartbeats(int heartbeats) {
    if (heartbeats < 0) throw new IllegalArgumentException("heartbeats " + heartbeats + " < 0");
    this.cancelAfter = heartbeats;
    return this;
  }

  /**
   * Simulates the stage's heartbeat timeout, measured in wall time: an attempt that goes longer
   * than {@code timeout} without a heartbeat reaching the framework (from its start to the first,
   * between two, or from the last until it returns) has timed out. Its next heartbeat throws {@link
   * StageCancelledException}, and the {@code run*} call throws an {@link AssertionError} naming the
   * gap, whatever the stage did. Off by default. Only heartbeats that reach the framework count:
   * {@link StageContext#progress} sends at most one per {@value
   * StageContext#PROGRESS_INTERVAL_MILLIS} ms, so choose a timeout well above that, as on a worker.
   */
  public StageTestRunner heartbeatTimeout(Duration timeout) {
    return heartbeatTimeout(timeout, null);
  }

  /**
   * {@link #heartbeatTimeout(Duration)} measured on {@code clock} (a test's fake clock, advanced by
   * the stage under test), also the clock {@link StageContext#progress} throttles by; null for wall
   * time.
   */
  public StageTestRunner heartbeatTimeout(Duration timeout, InstantSource clock) {
    if (timeout.isNegative() || timeout.isZero())
      throw new IllegalArgumentException("the heartbeat timeout must be positive");
    this.heartbeatTimeout = timeout;
    this.nanoTime = clock == null ? System::nanoTime : () -> nanos(clock.instant());
    return this;
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** Adds an input file {@code inputs/<name>} with this content. */
  public StageTestRunner input(String name, byte[] content) {
    Path file = newInput(name);
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Adds an input file {@code inputs/<name>} with this UTF-8 text. */
  public StageTestRunner input(String name, String content) {
    return input(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Registers an input {@code inputs/<name>} and returns its path, for the test to write (large
   * inputs written by streaming).
   */
  public Path newInput(String name) {
    Path file = sessionDir.resolve("inputs").resolve(name).normalize();
    if (!file.startsWith(sessionDir.resolve("inputs")))
      throw new IllegalArgumentException("input name '" + name + "' leaves the inputs directory");
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    inputs.add(new Artifact(relative(file), -1, null, -1));
    return file;
  }

  /**
   * Runs the stage even when its options are invalid, instead of failing before it starts as the
   * worker does: for testing that the stage's own run-time checks also refuse them.
   */
  public StageTestRunner skippingValidation() {
    this.validateFirst = false;
    return this;
  }

  /** Adds an artifact as a previous stage would have handed it on (for example a rejects file). */
  public StageTestRunner inputArtifact(Artifact artifact) {
    inputs.add(artifact);
    return this;
  }

  public Path sessionDir() {
    return sessionDir;
  }

  /** The stage's directory in the session, {@code <session>/<index>-<type>}, as on a worker. */
  public Path stageDir() {
    return sessionDir.resolve(index + "-" + stage.type());
  }

  /**
   * Where the stage writes: {@code <stageDir>/attempt-<n>} of the latest attempt run (of the next
   * one before any ran). A failed attempt's is deleted.
   */
  public Path outputDir() {
    return stageDir().resolve("attempt-" + (attempts > 0 ? attempts : upcomingAttempt()));
  }

  /** Every regular file attempts left in the stage's resume directories, for a retry to resume. */
  public List<Path> resumeFiles() throws IOException {
    if (!Files.isDirectory(stageDir())) return List.of();
    try (Stream<Path> walk = Files.walk(stageDir())) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> stageDir().relativize(p).getName(0).toString().startsWith("resume-"))
          .sorted()
          .toList();
    }
  }

  /**
   * The problems the worker's validation would report: unknown or missing options, values of the
   * wrong type, the stage's own cross-option checks. Empty when the options are fine.
   */
  public List<OptionProblem> validate() {
    return OptionCheck.problems(stage, options, List.of());
  }

  /**
   * Runs the next attempt, expecting success.
   *
   * @throws AssertionError when the options are invalid or the attempt timed out ({@link
   *     #heartbeatTimeout})
   * @throws InvalidWorkerSettingsException when a worker setting is invalid
   * @throws IllegalStateException when the stage returned no result (a worker retries that)
   * @throws Exception whatever the stage threw
   */
  public Outcome run() throws Exception {
    Attempt attempt = attempt();
    if (attempt.failure != null) {
      if (attempt.failure instanceof Exception e) throw e;
      if (attempt.failure instanceof Error e) throw e;
      throw new AssertionError(attempt.failure);
    }
    return new Outcome(this, attempt.result, attempt.heartbeats, attempt.outputDir);
  }

  /**
   * Runs the next attempt expecting the stage to reject its input with a {@link BadInputException}.
   *
   * @return the exception, for assertions on its message
   * @throws AssertionError when the stage succeeded, threw something else, or left files
   */
  public BadInputException runExpectingBadInput() throws Exception {
    return runExpectingFailure(BadInputException.class);
  }

  /**
   * Runs the next attempt expecting the stage to throw {@code type}; the framework deletes what it
   * wrote into its output directory (the kit checks that too) and keeps its resume files for the
   * next attempt when the failure is transient (not bad input, a full disk or exhausted memory), as
   * on a worker.
   *
   * @throws AssertionError when the stage succeeded, threw something else, left files, or the
   *     attempt timed out ({@link #heartbeatTimeout})
   */
  public <T extends Throwable> T runExpectingFailure(Class<T> type) throws Exception {
    Attempt attempt = attempt();
    Throwable thrown = attempt.failure;
    if (thrown == null)
      throw new AssertionError(
          stage.type() + " succeeded, but " + type.getSimpleName() + " was expected");
    if (!type.isInstance(thrown)) {
      AssertionError error =
          new AssertionError(
              stage.type()
                  + " threw "
                  + thrown
                  + ", but "
                  + type.getSimpleName()
                  + " was expected");
      error.initCause(thrown);
      throw error;
    }
    List<Path> left = filesIn(attempt.outputDir);
    if (!left.isEmpty())
      throw new AssertionError(
          stage.type() + " failed but left files in its output directory: " + left);
    return type.cast(thrown);
  }

  /** One attempt's result or failure, with the heartbeats it delivered. */
  private record Attempt(
      StageResult result, Throwable failure, List<Progress> heartbeats, Path outputDir) {}

  private Attempt attempt() throws IOException {
    List<OptionProblem> problems = validateFirst ? validate() : List.of();
    if (!problems.isEmpty()) throw new AssertionError("the options are invalid: " + problems);
    WorkerSettingValues settings = checkedSettings();
    int number = upcomingAttempt();
    Optional<Progress> previous = Optional.ofNullable(previousProgress);
    nextAttempt = 0;
    attempts = number;
    Files.createDirectories(sessionDir);
    SimulatedChannel channel = new SimulatedChannel(previous);
    try (AttemptDirs.Attempt dirs = attemptDirs.start(stageDir(), number)) {
      AttemptContext context =
          new AttemptContext(
              sessionDir,
              dirs.outputDir(),
              dirs.resumeDir(),
              pipeline,
              number,
              channel,
              settings,
              workerOwnedPaths,
              leftovers,
              stage.type(),
              nanoTime,
              resources);
      StageInput input = new StageInput(inputs, new StageConfig(options));
      StageResult result = null;
      Throwable failure = null;
      channel.start();
      try {
        result = AttemptRunner.run(stage, input, context, dirs);
      } catch (Throwable t) {
        failure = t;
      }
      channel.end();
      previousProgress = channel.last().orElse(previousProgress);
      if (channel.timedOut != null) {
        AssertionError error =
            new AssertionError(
                stage.type()
                    + " attempt "
                    + number
                    + " went "
                    + channel.timedOut.toMillis()
                    + " ms without a heartbeat; its heartbeat timeout is "
                    + heartbeatTimeout.toMillis()
                    + " ms: on a worker the attempt would have timed out");
        if (failure != null) error.initCause(failure);
        throw error;
      }
      return new Attempt(result, failure, channel.heartbeats, dirs.outputDir());
    }
  }

  private int upcomingAttempt() {
    return nextAttempt > 0 ? nextAttempt : attempts + 1;
  }

  private WorkerSettingValues checkedSettings() {
    return WorkerSettingValues.check(workerSettings, pipelineStages);
  }

  /**
   * Heartbeats as the test kit delivers them: recorded, with the simulated cancellation and
   * heartbeat timeout. Used on the attempt's thread.
   */
  private final class SimulatedChannel implements HeartbeatChannel {
    private final Optional<Progress> previous;
    private final List<Progress> heartbeats = new ArrayList<>();
    private long lastBeat;
    private boolean cancelled;
    private Duration timedOut;

    SimulatedChannel(Optional<Progress> previous) {
      this.previous = previous;
    }

    void start() {
      lastBeat = nanoTime.getAsLong();
    }

    void end() {
      checkGap();
    }

    @Override
    public void heartbeat(Progress progress) {
      checkGap();
      if (timedOut != null) {
        throw new StageCancelledException(
            "the attempt timed out: no heartbeat for "
                + timedOut.toMillis()
                + " ms (heartbeat timeout "
                + heartbeatTimeout.toMillis()
                + " ms, simulated by the test kit)");
      }
      cancelled |= cancelAfter >= 0 && heartbeats.size() >= cancelAfter;
      if (cancelled) {
        throw new StageCancelledException("the pipeline was cancelled (simulated by the test kit)");
      }
      heartbeats.add(progress);
    }

    private void checkGap() {
      long now = nanoTime.getAsLong();
      if (heartbeatTimeout != null && timedOut == null) {
        Duration gap = Duration.ofNanos(now - lastBeat);
        if (gap.compareTo(heartbeatTimeout) > 0) timedOut = gap;
      }
      lastBeat = now;
    }

    Optional<Progress> last() {
      return heartbeats.isEmpty()
          ? Optional.empty()
          : Optional.of(heartbeats.get(heartbeats.size() - 1));
    }

    @Override
    public Optional<Progress> previous() {
      return previous;
    }
  }

  private String relative(Path file) {
    return sessionDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private static List<Path> filesIn(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir)).sorted().toList();
    }
  }

  /** What a successful attempt produced. Immutable. */
  public static final class Outcome {
    private final StageTestRunner runner;
    private final StageResult result;
    private final List<Progress> heartbeats;
    private final Path outputDir;

    private Outcome(
        StageTestRunner runner, StageResult result, List<Progress> heartbeats, Path outputDir) {
      this.runner = runner;
      this.result = result;
      this.heartbeats = List.copyOf(heartbeats);
      this.outputDir = outputDir;
    }

    public StageResult result() {
      return result;
    }

    public StageMetrics metrics() {
      return result.metrics();
    }

    /** The stage's outputs, followed by the artifacts it did not consume. */
    public List<Artifact> outputs() {
      return result.outputs();
    }

    /** Every progress that reached the framework, in order ({@code progress} is throttled). */
    public List<Progress> heartbeats() {
      return heartbeats;
    }

    /**
     * Output artifact paths relative to the attempt's output directory (artifacts passed through
     * keep their session-relative path).
     */
    public List<String> outputNames() {
      String prefix = runner.relative(outputDir) + "/";
      return result.outputs().stream()
          .map(a -> a.path().startsWith(prefix) ? a.path().substring(prefix.length()) : a.path())
          .toList();
    }

    /** A file in the attempt's output directory. */
    public Path file(String relative) {
      return outputDir.resolve(relative);
    }

    /** A file in the attempt's output directory as UTF-8 text. */
    public String text(String relative) throws IOException {
      return Files.readString(file(relative));
    }

    /** A runner for {@code next} in the same session, with this outcome's outputs as inputs. */
    public StageTestRunner then(Stage next) {
      StageTestRunner nextRunner = new StageTestRunner(next, runner.sessionDir, runner.index + 1);
      nextRunner.inputs.addAll(result.outputs());
      nextRunner.workerSettings.putAll(runner.workerSettings);
      nextRunner.pipelineStages.addAll(0, runner.pipelineStages);
      nextRunner.pipeline = runner.pipeline;
      nextRunner.heartbeatTimeout = runner.heartbeatTimeout;
      nextRunner.nanoTime = runner.nanoTime;
      nextRunner.resources = runner.resources;
      return nextRunner;
    }
  }
}
