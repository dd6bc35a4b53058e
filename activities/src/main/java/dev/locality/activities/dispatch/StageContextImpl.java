package dev.locality.activities.dispatch;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.OutputDigests;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageContext;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@link StageContext} of one stage attempt on this worker. Paths are confined to the session
 * directory: {@link #resolve}, {@link #artifact}, {@link #createOutput} and {@link #resumeOutput}
 * reject anything that leaves it (also through symbolic links). Outputs written through {@link
 * #createOutput} are described from the digest computed while writing ({@link OutputDigests}); any
 * other file is read with a heartbeat (repeating the stage's last progress) every few MiB. One
 * instance per attempt; the stage calls it from one thread at a time, output streams may be used on
 * others.
 */
public final class StageContextImpl implements StageContext {

  private final Path sessionDir;
  private final Path outputDir;
  private final Path resumeDir;
  private final OutputDigests digests = new OutputDigests();
  private final PipelineInfo pipeline;
  private final int attempt;
  private final StageHeartbeat heartbeat;
  private final WorkerSettingValues workerSettings;
  private final System.Logger logger;
  private volatile Progress lastProgress;

  /** A context whose resume directory is {@code <outputDir>.resume}. */
  public StageContextImpl(
      Path sessionDir,
      Path outputDir,
      PipelineInfo pipeline,
      int attempt,
      StageHeartbeat heartbeat,
      WorkerSettingValues workerSettings,
      String stageType) {
    this(
        sessionDir,
        outputDir,
        outputDir.resolveSibling(outputDir.getFileName() + ".resume"),
        pipeline,
        attempt,
        heartbeat,
        workerSettings,
        stageType);
  }

  /**
   * @param sessionDir the session's directory (absolute)
   * @param outputDir this attempt's output directory inside it
   * @param resumeDir this attempt's resume directory inside it (see {@link #resumeDir()})
   * @param stageType names the logger ({@code dev.locality.stage.<type>})
   */
  public StageContextImpl(
      Path sessionDir,
      Path outputDir,
      Path resumeDir,
      PipelineInfo pipeline,
      int attempt,
      StageHeartbeat heartbeat,
      WorkerSettingValues workerSettings,
      String stageType) {
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.outputDir = outputDir.toAbsolutePath().normalize();
    this.resumeDir = resumeDir.toAbsolutePath().normalize();
    this.pipeline = pipeline;
    this.attempt = attempt;
    this.heartbeat = heartbeat;
    this.workerSettings = workerSettings;
    this.logger = System.getLogger("dev.locality.stage." + stageType);
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
  public Path resumeDir() {
    return resumeDir;
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
    return digests.describe(sessionDir, inside(file), rows, this::keepAlive);
  }

  private Path inside(Path file) {
    Path path = sessionDir.resolve(file).toAbsolutePath().normalize();
    if (!path.startsWith(sessionDir) || path.equals(sessionDir) || escapesThroughLinks(path)) {
      throw new IllegalArgumentException(file + " is not inside the session directory");
    }
    return path;
  }

  /** A heartbeat during a pass over file bytes: repeats the stage's last progress. */
  private void keepAlive() {
    Progress last = lastProgress;
    heartbeat(last != null ? last : previousProgress().orElse(Progress.bytes(0, -1)));
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
    lastProgress = progress;
  }

  @Override
  public Optional<Progress> previousProgress() {
    return heartbeat.previous();
  }

  @Override
  public <T> T setting(SettingSpec<T> setting) {
    return workerSettings.get(setting);
  }

  @Override
  public System.Logger logger() {
    return logger;
  }
}
