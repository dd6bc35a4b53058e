package dev.locality.activities.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.PipelineInfo;
import dev.locality.api.stage.Progress;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageContext;
import dev.locality.api.stage.StageInput;
import dev.locality.api.stage.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs successive attempts of one stage in one session the way the worker's dispatcher does: the
 * output directory {@code <session>/<index>-<type>} is emptied before and deleted after a failed
 * attempt, the attempt number counts up and {@link StageContext#previousProgress()} returns the
 * previous attempt's last heartbeat. For tests of what a retry finds and resumes.
 */
final class AttemptSimulator {
  private final Stage stage;
  private final Path sessionDir;
  private final Map<String, Object> options = new LinkedHashMap<>();
  private final Map<String, String> workerSettings = new HashMap<>();
  private int attempt;
  private Progress lastHeartbeat;

  AttemptSimulator(Stage stage, Path tempDir) throws IOException {
    this.stage = stage;
    this.sessionDir = Files.createDirectories(tempDir.resolve("session")).toAbsolutePath();
  }

  AttemptSimulator option(String key, Object value) {
    options.put(key, value);
    return this;
  }

  AttemptSimulator workerSettings(Map<String, String> settings) {
    workerSettings.putAll(settings);
    return this;
  }

  Path outputDir() {
    return sessionDir.resolve("1-" + stage.type());
  }

  Path partialDir() {
    return sessionDir.resolve(PartialDownload.DIR);
  }

  /** Files a previous attempt left for resuming. */
  List<Path> partialFiles() throws IOException {
    return TestFiles.filesIn(partialDir());
  }

  /**
   * Pretends an attempt failed after receiving {@code prefix} of {@code url} with this ETag: the
   * partial file it would have left, and its last heartbeat.
   */
  void failedAttemptLeft(String url, byte[] prefix, String etag) throws IOException {
    attempt++;
    PartialDownload partial = PartialDownload.of(new Context(), url);
    Files.write(partial.data(), prefix);
    partial.recordValidators(etag, null);
    lastHeartbeat = Progress.bytes(prefix.length, -1);
  }

  /** The result of one attempt: a stage result or what it threw. */
  record Attempt(StageResult result, Throwable failure, List<Progress> heartbeats) {}

  /** Runs the next attempt. */
  Attempt run() throws IOException {
    attempt++;
    deleteTree(outputDir());
    Files.createDirectories(outputDir());
    Context context = new Context();
    try {
      StageResult result = stage.run(new StageInput(List.of(), new StageConfig(options)), context);
      return new Attempt(result, null, context.heartbeats);
    } catch (Throwable t) {
      deleteTree(outputDir());
      return new Attempt(null, t, context.heartbeats);
    } finally {
      if (!context.heartbeats.isEmpty()) {
        lastHeartbeat = context.heartbeats.get(context.heartbeats.size() - 1);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private final class Context implements StageContext {
    private final List<Progress> heartbeats = new ArrayList<>();
    private final int number = attempt;
    private final Optional<Progress> previous = Optional.ofNullable(lastHeartbeat);
    private final Logger logger = LoggerFactory.getLogger("stage." + stage.type());

    @Override
    public Path sessionDir() {
      return sessionDir;
    }

    @Override
    public Path outputDir() {
      return AttemptSimulator.this.outputDir();
    }

    @Override
    public Path resolve(Artifact artifact) {
      return sessionDir.resolve(artifact.path()).normalize();
    }

    @Override
    public Artifact artifact(Path file, long rows) throws IOException {
      assertThat(file.toAbsolutePath().normalize()).startsWith(sessionDir);
      return new Artifact(
          sessionDir.relativize(file.toAbsolutePath()).toString(),
          Files.size(file),
          Sha256.ofFile(file),
          rows);
    }

    @Override
    public PipelineInfo pipeline() {
      return new PipelineInfo("test-pipeline", "wf-1", "run-1");
    }

    @Override
    public int attempt() {
      return number;
    }

    @Override
    public void heartbeat(Progress progress) {
      heartbeats.add(progress);
    }

    @Override
    public Optional<Progress> previousProgress() {
      return previous;
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
