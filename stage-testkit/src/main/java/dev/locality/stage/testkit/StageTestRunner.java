package dev.locality.stage.testkit;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.OptionCheck;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OutputDigests;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs one {@link Stage} without Temporal, over a session directory on local disk, the way a worker
 * would: the stage test kit for plugin authors. A stage test is three steps — set options, add
 * inputs, check the outcome:
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
 * <p>What the runner does: inputs live in {@code <session>/inputs}; the stage writes to {@code
 * <session>/stages/<n>-<type>}, which is empty at the start of every run (as on a worker), and
 * keeps resume files in {@code <session>/.partial}; outputs written through {@link
 * StageContext#createOutput} are described from the digest computed while writing, other files are
 * read with heartbeats (repeating the last progress) every few MiB, as on a worker; the options are
 * validated first, as the worker does ({@link #run} fails on any problem, {@link #validate} returns
 * them); heartbeats are recorded ({@link Outcome#heartbeats()}); {@link StageContext#resolve} and
 * {@link StageContext#artifact} reject paths outside the session. {@link #runExpectingBadInput}
 * also checks that the failed stage left its output directory empty. {@link Outcome#then} feeds one
 * stage's outputs into the next stage of the same session.
 *
 * <p>Broken contracts are reported as {@link AssertionError}s (so any test framework shows them as
 * failures); the kit depends on nothing but the stage API. Not thread-safe: one runner per test.
 */
public final class StageTestRunner {
  private final Stage stage;
  private final Path sessionDir;
  private final int index;
  private final Map<String, Object> options = new LinkedHashMap<>();
  private final List<Artifact> inputs = new ArrayList<>();
  private final Map<String, String> workerSettings = new LinkedHashMap<>();
  private PipelineInfo pipeline = new PipelineInfo("test-pipeline", "wf-test", "run-test");
  private int attempt = 1;
  private Progress previousProgress;
  private boolean validateFirst = true;

  private StageTestRunner(Stage stage, Path sessionDir, int index) {
    this.stage = stage;
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.index = index;
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
   * Sets a worker setting the stage reads through {@link StageContext#setting}, as ops would on the
   * worker (a string, parsed by the setting's declaration).
   */
  public StageTestRunner workerSetting(String name, String value) {
    workerSettings.put(name, value);
    return this;
  }

  public StageTestRunner pipeline(PipelineInfo pipeline) {
    this.pipeline = pipeline;
    return this;
  }

  /**
   * Simulates a retry: the attempt number the stage sees and the progress its previous attempt
   * reported ({@link StageContext#previousProgress()}).
   */
  public StageTestRunner retryOf(int attempt, Progress previousProgress) {
    if (attempt < 2) throw new IllegalArgumentException("a retry is attempt 2 or later");
    this.attempt = attempt;
    this.previousProgress = previousProgress;
    return this;
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

  /** Where the stage writes: {@code <session>/stages/<n>-<type>}. */
  public Path outputDir() {
    return sessionDir.resolve("stages").resolve(index + "-" + stage.type());
  }

  /**
   * The problems the worker's validation would report: unknown or missing options, values of the
   * wrong type, the stage's own cross-option checks. Empty when the options are fine.
   */
  public List<OptionProblem> validate() {
    return OptionCheck.problems(stage, options, List.of());
  }

  /**
   * Validates the options and runs the stage, expecting success.
   *
   * @throws AssertionError when the options are invalid or the stage returned no result
   * @throws Exception whatever the stage threw
   */
  public Outcome run() throws Exception {
    Context context = prepare();
    StageResult result = stage.run(new StageInput(inputs, new StageConfig(options)), context);
    if (result == null) throw new AssertionError(stage.type() + " returned no result");
    return new Outcome(this, result, context.heartbeats);
  }

  /**
   * Runs the stage expecting it to reject its input with a {@link BadInputException}, and checks
   * that it left no files behind.
   *
   * @return the exception, for assertions on its message
   * @throws AssertionError when the stage succeeded, threw something else, or left files
   */
  public BadInputException runExpectingBadInput() throws Exception {
    return runExpectingFailure(BadInputException.class);
  }

  /**
   * Runs the stage expecting it to throw {@code type}, and checks that it left no files behind.
   *
   * @throws AssertionError when the stage succeeded, threw something else, or left files
   */
  public <T extends Throwable> T runExpectingFailure(Class<T> type) throws Exception {
    Context context = prepare();
    Throwable thrown = null;
    try {
      stage.run(new StageInput(inputs, new StageConfig(options)), context);
    } catch (Throwable t) {
      thrown = t;
    }
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
    List<Path> left = filesIn(outputDir());
    if (!left.isEmpty())
      throw new AssertionError(
          stage.type() + " failed but left files in its output directory: " + left);
    return type.cast(thrown);
  }

  private Context prepare() throws IOException {
    List<OptionProblem> problems = validateFirst ? validate() : List.of();
    if (!problems.isEmpty()) throw new AssertionError("the options are invalid: " + problems);
    Files.createDirectories(outputDir());
    List<Path> stale = filesIn(outputDir());
    if (!stale.isEmpty())
      throw new AssertionError("the output directory is not empty at the start: " + stale);
    return new Context();
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

  /** What a successful run produced. Immutable. */
  public static final class Outcome {
    private final StageTestRunner runner;
    private final StageResult result;
    private final List<Progress> heartbeats;

    private Outcome(StageTestRunner runner, StageResult result, List<Progress> heartbeats) {
      this.runner = runner;
      this.result = result;
      this.heartbeats = List.copyOf(heartbeats);
    }

    public StageResult result() {
      return result;
    }

    public StageMetrics metrics() {
      return result.metrics();
    }

    public List<Artifact> outputs() {
      return result.outputs();
    }

    /** Every progress the stage reported, in order. */
    public List<Progress> heartbeats() {
      return heartbeats;
    }

    /** Output artifact paths relative to the stage's output directory. */
    public List<String> outputNames() {
      String prefix = runner.relative(runner.outputDir()) + "/";
      return result.outputs().stream()
          .map(a -> a.path().startsWith(prefix) ? a.path().substring(prefix.length()) : a.path())
          .toList();
    }

    /** A file in the stage's output directory. */
    public Path file(String relative) {
      return runner.outputDir().resolve(relative);
    }

    /** A file in the stage's output directory as UTF-8 text. */
    public String text(String relative) throws IOException {
      return Files.readString(file(relative));
    }

    /** A runner for {@code next} in the same session, with this outcome's outputs as inputs. */
    public StageTestRunner then(Stage next) {
      StageTestRunner nextRunner = new StageTestRunner(next, runner.sessionDir, runner.index + 1);
      nextRunner.inputs.addAll(result.outputs());
      nextRunner.workerSettings.putAll(runner.workerSettings);
      nextRunner.pipeline = runner.pipeline;
      return nextRunner;
    }
  }

  /** The stage's view of the run; enforces the session-directory confinement a worker enforces. */
  private final class Context implements StageContext {
    private final List<Progress> heartbeats = new ArrayList<>();
    private final OutputDigests digests = new OutputDigests();
    private final System.Logger logger = System.getLogger("dev.locality.stage." + stage.type());

    @Override
    public Path sessionDir() {
      return sessionDir;
    }

    @Override
    public Path outputDir() {
      return StageTestRunner.this.outputDir();
    }

    @Override
    public Path resolve(Artifact artifact) {
      Path path = sessionDir.resolve(artifact.path()).normalize();
      if (!path.startsWith(sessionDir) || path.equals(sessionDir))
        throw new BadInputException(
            "artifact path '" + artifact.path() + "' points outside the session directory");
      return path;
    }

    @Override
    public Path resumeDir() {
      return sessionDir.resolve(".partial");
    }

    @Override
    public HashingOutputStream createOutput(Path file) throws IOException {
      return digests.create(inside(file));
    }

    @Override
    public HashingOutputStream resumeOutput(Path file, long keep) throws IOException {
      return digests.resume(inside(file), keep, this::keepAlive);
    }

    @Override
    public Artifact artifact(Path file, long rows) throws IOException {
      return digests.describe(sessionDir, inside(file), rows, this::keepAlive);
    }

    private Path inside(Path file) {
      Path absolute = sessionDir.resolve(file).toAbsolutePath().normalize();
      if (!absolute.startsWith(sessionDir) || absolute.equals(sessionDir))
        throw new IllegalArgumentException(file + " is not inside the session directory");
      return absolute;
    }

    private void keepAlive() {
      heartbeat(
          heartbeats.isEmpty()
              ? previousProgress().orElse(Progress.bytes(0, -1))
              : heartbeats.get(heartbeats.size() - 1));
    }

    @Override
    public PipelineInfo pipeline() {
      return pipeline;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public void heartbeat(Progress progress) {
      heartbeats.add(progress);
    }

    @Override
    public Optional<Progress> previousProgress() {
      return Optional.ofNullable(previousProgress);
    }

    @Override
    public <T> T setting(SettingSpec<T> setting) {
      String raw = workerSettings.get(setting.name());
      return raw == null ? setting.defaultValue() : setting.parse(raw);
    }

    @Override
    public System.Logger logger() {
      return logger;
    }
  }
}
