package dev.locality.activities.dispatch;

import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.PipelineInfo;
import dev.locality.api.stage.Progress;
import dev.locality.api.stage.StageContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StageContext} of one stage attempt on this worker. Paths are confined to the session
 * directory: {@link #resolve} and {@link #artifact} reject anything that leaves it (also through
 * symbolic links). One instance per attempt, used from one thread at a time.
 */
public final class StageContextImpl implements StageContext {

  private final Path sessionDir;
  private final Path outputDir;
  private final PipelineInfo pipeline;
  private final int attempt;
  private final StageHeartbeat heartbeat;
  private final Map<String, String> workerSettings;
  private final Logger logger;

  /**
   * @param sessionDir the session's directory (absolute)
   * @param outputDir this stage's output directory inside it
   * @param stageType names the logger ({@code dev.locality.stage.<type>})
   */
  public StageContextImpl(
      Path sessionDir,
      Path outputDir,
      PipelineInfo pipeline,
      int attempt,
      StageHeartbeat heartbeat,
      Map<String, String> workerSettings,
      String stageType) {
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.outputDir = outputDir.toAbsolutePath().normalize();
    this.pipeline = pipeline;
    this.attempt = attempt;
    this.heartbeat = heartbeat;
    this.workerSettings = Map.copyOf(workerSettings);
    this.logger = LoggerFactory.getLogger("dev.locality.stage." + stageType);
  }

  @Override
  public Path sessionDir() {
    return sessionDir;
  }

  @Override
  public Path outputDir() {
    return outputDir;
  }

  @Override
  public Path resolve(Artifact artifact) {
    Path path = sessionDir.resolve(artifact.path()).normalize();
    if (!path.startsWith(sessionDir) || path.equals(sessionDir) || escapesThroughLinks(path)) {
      throw new BadInputException(
          "artifact path '" + artifact.path() + "' points outside the session directory");
    }
    return path;
  }

  private boolean escapesThroughLinks(Path path) {
    if (!Files.exists(path)) return false;
    try {
      return !path.toRealPath().startsWith(sessionDir.toRealPath());
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public Artifact artifact(Path file, long rows) throws IOException {
    Path path = sessionDir.resolve(file).toAbsolutePath().normalize();
    if (!path.startsWith(sessionDir) || escapesThroughLinks(path)) {
      throw new IllegalArgumentException(file + " is not inside the session directory");
    }
    return Artifact.describe(sessionDir, path, rows);
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
    heartbeat.heartbeat(progress);
  }

  @Override
  public Optional<Progress> previousProgress() {
    return heartbeat.previous();
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
