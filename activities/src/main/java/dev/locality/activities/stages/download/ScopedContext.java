package dev.locality.activities.stages.download;

import dev.locality.stage.Artifact;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.Leftovers;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageResources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Another stage's context as {@code download} sees it when it fetches for that stage ({@link
 * DownloadStage.FetchInto}): the caller's, but with the download's own output and resume
 * directories and a size limit of the caller's in place of {@code maxDownloadBytes}. One per fetch;
 * used from the fetching thread.
 */
final class ScopedContext implements StageContext {
  private final StageContext context;
  private final Path outputDir;
  private final Path resumeDir;
  private final long maxBytes;

  ScopedContext(StageContext context, Path outputDir, Path resumeDir, long maxBytes) {
    this.context = context;
    this.outputDir = outputDir;
    this.resumeDir = resumeDir;
    this.maxBytes = maxBytes;
  }

  @Override
  public Path sessionDir() {
    return context.sessionDir();
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
    return context.createOutput(file);
  }

  @Override
  public HashingOutputStream resumeOutput(Path file, long keep) throws IOException {
    return context.resumeOutput(file, keep);
  }

  @Override
  public Path resolve(Artifact artifact) {
    return context.resolve(artifact);
  }

  @Override
  public Artifact artifact(Path file, long rows) throws IOException {
    return context.artifact(file, rows);
  }

  @Override
  public PipelineInfo pipeline() {
    return context.pipeline();
  }

  @Override
  public int attempt() {
    return context.attempt();
  }

  @Override
  public void heartbeat(Progress progress) {
    context.heartbeat(progress);
  }

  @Override
  public void progress(long done, long total) {
    context.progress(done, total);
  }

  @Override
  public void progressRows(long rows) {
    context.progressRows(rows);
  }

  @Override
  public Optional<Progress> previousProgress() {
    return context.previousProgress();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T setting(SettingSpec<T> setting) {
    if (setting.name().equals(DownloadOptions.MAX_BYTES.name())) return (T) (Long) maxBytes;
    return context.setting(setting);
  }

  @Override
  public List<Path> workerOwnedPaths() {
    return context.workerOwnedPaths();
  }

  @Override
  public Leftovers leftovers() {
    return context.leftovers();
  }

  @Override
  public StageResources resources() {
    return context.resources();
  }

  @Override
  public System.Logger logger() {
    return context.logger();
  }
}
