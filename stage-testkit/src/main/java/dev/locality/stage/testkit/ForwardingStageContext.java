package dev.locality.stage.testkit;

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
 * A {@link StageContext} that forwards every call to another, for tests that intercept one of them:
 * a heartbeat that reports a lost session, two stages held in lockstep, a setting overridden.
 * Subclass it and override what the test changes.
 *
 * <p>{@link #progress} and {@link #progressRows} are <em>not</em> forwarded: they keep the
 * interface's defaults, which send every report through this object's {@link #heartbeat}, so an
 * override of {@code heartbeat} sees every progress report, unthrottled. Thread-safety is the
 * wrapped context's.
 */
public class ForwardingStageContext implements StageContext {
  private final StageContext delegate;

  public ForwardingStageContext(StageContext delegate) {
    this.delegate = delegate;
  }

  /** The wrapped context. */
  protected final StageContext delegate() {
    return delegate;
  }

  @Override
  public Path sessionDir() {
    return delegate.sessionDir();
  }

  @Override
  public Path outputDir() {
    return delegate.outputDir();
  }

  @Override
  public Path resumeDir() {
    return delegate.resumeDir();
  }

  @Override
  public HashingOutputStream createOutput(Path file) throws IOException {
    return delegate.createOutput(file);
  }

  @Override
  public HashingOutputStream resumeOutput(Path file, long keep) throws IOException {
    return delegate.resumeOutput(file, keep);
  }

  @Override
  public Path resolve(Artifact artifact) {
    return delegate.resolve(artifact);
  }

  @Override
  public Artifact artifact(Path file, long rows) throws IOException {
    return delegate.artifact(file, rows);
  }

  @Override
  public PipelineInfo pipeline() {
    return delegate.pipeline();
  }

  @Override
  public int attempt() {
    return delegate.attempt();
  }

  @Override
  public void heartbeat(Progress progress) {
    delegate.heartbeat(progress);
  }

  @Override
  public Optional<Progress> previousProgress() {
    return delegate.previousProgress();
  }

  @Override
  public <T> T setting(SettingSpec<T> setting) {
    return delegate.setting(setting);
  }

  @Override
  public List<Path> workerOwnedPaths() {
    return delegate.workerOwnedPaths();
  }

  @Override
  public Leftovers leftovers() {
    return delegate.leftovers();
  }

  /**
   * The wrapped context's shared resources; a stage waiting there for another's load heartbeats
   * through the wrapped context, not through an override of {@link #heartbeat}.
   */
  @Override
  public StageResources resources() {
    return delegate.resources();
  }

  @Override
  public System.Logger logger() {
    return delegate.logger();
  }
}
