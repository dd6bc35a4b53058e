package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.api.spec.Problem;
import dev.locality.api.spec.SpecValidator;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.PipelineInfo;
import dev.locality.api.stage.Progress;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageContext;
import dev.locality.api.stage.StageInput;
import dev.locality.api.stage.StageRegistry;
import dev.locality.api.stage.StageResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage without Temporal over a session directory on disk, so a stage test is three lines:
 * options, inputs, assertions.
 *
 * <pre>{@code
 * var run = StageTestRunner.of(new DecompressStage(), tmp).input("a.csv.gz", gzip("x\n")).run();
 * assertThat(run.text("a.csv")).isEqualTo("x\n");
 * }</pre>
 *
 * <p>The runner implements {@link StageContext}: inputs live in {@code <session>/inputs}, the stage
 * writes to {@code <session>/stages/<n>-<type>}, heartbeats are recorded. {@link
 * #runExpectingFailure} also checks that a failed stage left its output directory empty. {@link
 * Outcome#then} feeds a result's outputs into the next stage in the same session.
 */
public final class StageTestRunner {
  private final Stage stage;
  private final Path sessionDir;
  private final int index;
  private final Map<String, Object> options = new LinkedHashMap<>();
  private final List<Artifact> inputs = new ArrayList<>();
  private final Map<String, String> workerSettings = new HashMap<>();
  private PipelineInfo pipeline = new PipelineInfo("test-pipeline", "wf-1", "run-1");

  private StageTestRunner(Stage stage, Path sessionDir, int index) {
    this.stage = stage;
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.index = index;
  }

  /** A runner for {@code stage} over a fresh session directory in {@code tempDir}. */
  public static StageTestRunner of(Stage stage, Path tempDir) {
    return new StageTestRunner(stage, tempDir.resolve("session"), 1);
  }

  public StageTestRunner option(String key, Object value) {
    options.put(key, value);
    return this;
  }

  public StageTestRunner workerSetting(String name, String value) {
    workerSettings.put(name, value);
    return this;
  }

  public StageTestRunner pipeline(PipelineInfo pipeline) {
    this.pipeline = pipeline;
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

  public StageTestRunner input(String name, String content) {
    return input(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Registers an input {@code inputs/<name>} and returns its path for the test to write (large
   * inputs written by streaming).
   */
  public Path newInput(String name) {
    Path file = sessionDir.resolve("inputs").resolve(name);
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    inputs.add(new Artifact(sessionDir.relativize(file).toString(), -1, null, -1));
    return file;
  }

  public Path sessionDir() {
    return sessionDir;
  }

  public Path outputDir() {
    return sessionDir.resolve("stages").resolve(index + "-" + stage.type());
  }

  /** The problems the worker's validation would report (option types and the stage's checks). */
  public List<Problem> validate() {
    StageSpec spec = new StageSpec(stage.type(), options, null, 1);
    return new SpecValidator(StageRegistry.of(List.of(stage))).validateStage(0, spec);
  }

  /** Runs the stage, expecting success. */
  public Outcome run() throws Exception {
    Context context = prepare();
    StageResult result = stage.run(new StageInput(inputs, new StageConfig(options)), context);
    return new Outcome(this, result, context.heartbeats);
  }

  /** Runs the stage expecting bad input; asserts it left no files behind. */
  public BadInputException runExpectingBadInput() throws Exception {
    return runExpectingFailure(BadInputException.class);
  }

  /** Runs the stage expecting {@code type}; asserts it left no files behind. */
  public <T extends Throwable> T runExpectingFailure(Class<T> type) throws Exception {
    Context context = prepare();
    Throwable thrown =
        catchThrowable(() -> stage.run(new StageInput(inputs, new StageConfig(options)), context));
    assertThat(thrown).as("what %s threw", stage.type()).isInstanceOf(type);
    assertThat(filesIn(outputDir())).as("files left behind after the failure").isEmpty();
    return type.cast(thrown);
  }

  private Context prepare() throws IOException {
    Files.createDirectories(outputDir());
    assertThat(filesIn(outputDir())).as("output directory at the start").isEmpty();
    return new Context();
  }

  static List<Path> filesIn(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir)).toList();
    }
  }

  /** What a successful run produced. */
  public static final class Outcome {
    private final StageTestRunner runner;
    private final StageResult result;
    private final List<Progress> heartbeats;

    Outcome(StageTestRunner runner, StageResult result, List<Progress> heartbeats) {
      this.runner = runner;
      this.result = result;
      this.heartbeats = List.copyOf(heartbeats);
    }

    public StageResult result() {
      return result;
    }

    public dev.locality.api.stage.StageMetrics metrics() {
      return result.metrics();
    }

    public List<Artifact> outputs() {
      return result.outputs();
    }

    public List<Progress> heartbeats() {
      return heartbeats;
    }

    /** Output artifact paths relative to the stage's output directory. */
    public List<String> outputNames() {
      String prefix = runner.sessionDir.relativize(runner.outputDir()) + "/";
      return result.outputs().stream()
          .map(a -> a.path().startsWith(prefix) ? a.path().substring(prefix.length()) : a.path())
          .toList();
    }

    /** A file in the stage's output directory. */
    public Path file(String relative) {
      return runner.outputDir().resolve(relative);
    }

    public String text(String relative) throws IOException {
      return Files.readString(file(relative));
    }

    /** A runner for {@code next} in the same session, with this outcome's outputs as inputs. */
    public StageTestRunner then(Stage next) {
      StageTestRunner runner =
          new StageTestRunner(next, this.runner.sessionDir, this.runner.index + 1);
      runner.inputs.addAll(result.outputs());
      runner.workerSettings.putAll(this.runner.workerSettings);
      runner.pipeline = this.runner.pipeline;
      return runner;
    }
  }

  private final class Context implements StageContext {
    private final List<Progress> heartbeats = new ArrayList<>();
    private final Logger logger = LoggerFactory.getLogger("stage." + stage.type());

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
      assertThat(path).as("artifact path stays inside the session").startsWith(sessionDir);
      return path;
    }

    @Override
    public Artifact artifact(Path file, long rows) throws IOException {
      Path absolute = file.toAbsolutePath().normalize();
      assertThat(absolute).as("artifact inside the session directory").startsWith(sessionDir);
      assertThat(absolute).as("artifact is a regular file").isRegularFile();
      return new Artifact(
          sessionDir.relativize(absolute).toString().replace('\\', '/'),
          Files.size(absolute),
          Sha256.ofFile(absolute),
          rows);
    }

    @Override
    public PipelineInfo pipeline() {
      return pipeline;
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public void heartbeat(Progress progress) {
      heartbeats.add(progress);
    }

    @Override
    public Optional<Progress> previousProgress() {
      return Optional.empty();
    }

    @Override
    public Optional<String> workerSetting(String name) {
      return Optional.ofNullable(workerSettings.get(name));
    }

    @Override
    public Logger logger() {
      return logger;
    }
  }
}
