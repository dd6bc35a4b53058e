package dev.locality.activities.stages;

import dev.locality.activities.dispatch.AttemptDirs;
import dev.locality.activities.dispatch.StageContextImpl;
import dev.locality.activities.dispatch.StageHeartbeat;
import dev.locality.activities.stages.download.PartialDownload;
import dev.locality.stage.BadInputException;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs successive attempts of one stage in one session the way the worker's dispatcher does, with
 * the worker's own {@link AttemptDirs} and {@link StageContextImpl}: attempt {@code n} writes to
 * {@code <session>/1-<type>/attempt-<n>}, deleted when it fails; its resume files go to {@code
 * resume-<n>}, handed to the next attempt after a transient failure; the attempt number counts up
 * and {@link StageContext#previousProgress()} returns the previous attempt's last heartbeat. For
 * tests of what a retry finds and resumes.
 */
public final class AttemptSimulator {
  private final Stage stage;
  private final Path sessionDir;
  private final Map<String, Object> options = new LinkedHashMap<>();
  private final Map<String, String> workerSettings = new HashMap<>();
  private final AttemptDirs attemptDirs = new AttemptDirs();
  private int attempt;
  private Progress lastHeartbeat;

  public AttemptSimulator(Stage stage, Path tempDir) throws IOException {
    this.stage = stage;
    this.sessionDir = Files.createDirectories(tempDir.resolve("session")).toAbsolutePath();
  }

  public AttemptSimulator option(String key, Object value) {
    options.put(key, value);
    return this;
  }

  public AttemptSimulator workerSettings(Map<String, String> settings) {
    workerSettings.putAll(settings);
    return this;
  }

  /** The stage's directory, holding every attempt's directories. */
  Path stageDir() {
    return sessionDir.resolve("1-" + stage.type());
  }

  /** The output directory of the latest attempt. */
  public Path outputDir() {
    return stageDir().resolve("attempt-" + attempt);
  }

  /** Files attempts left for resuming (regular files in any resume directory of the stage). */
  public List<Path> partialFiles() throws IOException {
    if (!Files.exists(stageDir())) return List.of();
    try (Stream<Path> walk = Files.walk(stageDir())) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> stageDir().relativize(p).getName(0).toString().startsWith("resume-"))
          .toList();
    }
  }

  /**
   * Pretends an attempt failed transiently after receiving {@code prefix} of {@code url} with this
   * ETag: the partial file it would have left, and its last heartbeat.
   */
  public void failedAttemptLeft(String url, byte[] prefix, String etag) throws IOException {
    attempt++;
    try (AttemptDirs.Attempt dirs = attemptDirs.start(stageDir(), attempt)) {
      PartialDownload partial = PartialDownload.of(context(dirs, new ArrayList<>()), url);
      Files.write(partial.data(), prefix);
      partial.recordValidators(etag, null);
      lastHeartbeat = Progress.bytes(prefix.length, -1);
      dirs.failed(true);
    }
  }

  /** The result of one attempt: a stage result or what it threw. */
  public record Attempt(StageResult result, Throwable failure, List<Progress> heartbeats) {}

  /** Runs the next attempt. */
  public Attempt run() throws IOException {
    attempt++;
    List<Progress> heartbeats = new ArrayList<>();
    try (AttemptDirs.Attempt dirs = attemptDirs.start(stageDir(), attempt)) {
      try {
        StageResult result =
            stage.run(
                new StageInput(List.of(), new StageConfig(options)), context(dirs, heartbeats));
        dirs.succeeded();
        return new Attempt(result, null, heartbeats);
      } catch (Throwable t) {
        dirs.failed(!(t instanceof BadInputException));
        return new Attempt(null, t, heartbeats);
      } finally {
        if (!heartbeats.isEmpty()) lastHeartbeat = heartbeats.get(heartbeats.size() - 1);
      }
    }
  }

  private StageContext context(AttemptDirs.Attempt dirs, List<Progress> heartbeats) {
    Optional<Progress> previous = Optional.ofNullable(lastHeartbeat);
    return new StageContextImpl(
        sessionDir,
        dirs.outputDir(),
        dirs.resumeDir(),
        new PipelineInfo("test-pipeline", "wf-1", "run-1"),
        attempt,
        new StageHeartbeat() {
          @Override
          public void heartbeat(Progress progress) {
            heartbeats.add(progress);
          }

          @Override
          public Optional<Progress> previous() {
            return previous;
          }
        },
        dev.locality.stage.runtime.WorkerSettingValues.unchecked(workerSettings),
        stage.type());
  }
}
