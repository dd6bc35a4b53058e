package dev.locality.stage.runtime;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.Leftovers;
import dev.locality.stage.OutputDigests;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The {@link StageContext} of one stage attempt: the one implementation the worker and the test kit
 * share. What differs between them is the {@link HeartbeatChannel} (the worker's reaches Temporal
 * through the session fence; the kit's records and simulates) and the directories ({@link
 * AttemptDirs}).
 *
 * <ul>
 *   <li><b>Confinement</b>: {@link #resolve}, {@link #artifact}, {@link #createOutput} and {@link
 *       #resumeOutput} reject paths that leave the session directory, also through symbolic links.
 *   <li><b>Digests</b>: outputs written through {@link #createOutput} or {@link #resumeOutput} are
 *       described from the digest computed while writing ({@link OutputDigests}); any other file is
 *       read with a heartbeat (repeating the latest progress) every few MiB.
 *   <li><b>Progress</b>: {@link #heartbeat} reaches the channel on every call; {@link #progress}
 *       and {@link #progressRows} only on the attempt's first progress, on completion ({@code done
 *       >= total}) and when the last heartbeat is {@value StageContext#PROGRESS_INTERVAL_MILLIS} ms
 *       old or older.
 *   <li><b>Settings</b>: {@link #setting} reads the worker's checked {@link WorkerSettingValues}.
 *   <li><b>Worker-owned paths</b>: {@link #workerOwnedPaths} returns what the worker (or the test
 *       kit) passed in: its work root and plugins directory.
 *   <li><b>Leftovers</b>: {@link #leftovers} returns the record passed in (the worker's reaches the
 *       pipeline's workflow; the kit's is shared by its attempts).
 *   <li><b>Resources</b>: {@link #resources} is the worker's {@link ResourceCache} in the stage
 *       type's namespace, heartbeating (repeating the latest progress) while it waits for another
 *       stage's load; without a cache nothing is shared.
 * </ul>
 *
 * <p>One instance per attempt; the stage calls it from one thread at a time, output streams may be
 * used on others.
 */
public final class AttemptContext implements StageContext {
  private static final long INTERVAL_NANOS = PROGRESS_INTERVAL_MILLIS * 1_000_000L;

  private final Path sessionDir;
  private final Path outputDir;
  private final Path resumeDir;
  private final OutputDigests digests = new OutputDigests();
  private final PipelineInfo pipeline;
  private final int attempt;
  private final HeartbeatChannel channel;
  private final WorkerSettingValues workerSettings;
  private final List<Path> workerOwnedPaths;
  private final Leftovers leftovers;
  private final System.Logger logger;
  private final StageResources resources;
  private final LongSupplier nanoTime;
  private volatile Progress latest;
  private volatile long lastSent;
  private volatile boolean sentOnce;

  /**
   * @param sessionDir the session's directory
   * @param dirs this attempt's output and resume directories inside it
   * @param workerOwnedPaths see {@link #workerOwnedPaths()}
   * @param leftovers see {@link #leftovers()}
   * @param stageType names the logger ({@code dev.locality.stage.<type>})
   */
  public AttemptContext(
      Path sessionDir,
      AttemptDirs.Attempt dirs,
      PipelineInfo pipeline,
      int attempt,
      HeartbeatChannel channel,
      WorkerSettingValues workerSettings,
      List<Path> workerOwnedPaths,
      Leftovers leftovers,
      String stageType) {
    this(
        sessionDir,
        dirs,
        pipeline,
        attempt,
        channel,
        workerSettings,
        workerOwnedPaths,
        leftovers,
        stageType,
        null);
  }

  /**
   * As above, with the worker's resource cache.
   *
   * @param resourceCache the worker's {@link ResourceCache}, seen in {@code stageType}'s namespace
   *     through {@link #resources()}; null: nothing shared ({@link StageResources#unshared()})
   */
  public AttemptContext(
      Path sessionDir,
      AttemptDirs.Attempt dirs,
      PipelineInfo pipeline,
      int attempt,
      HeartbeatChannel channel,
      WorkerSettingValues workerSettings,
      List<Path> workerOwnedPaths,
      Leftovers leftovers,
      String stageType,
      ResourceCache resourceCache) {
    this(
        sessionDir,
        dirs.outputDir(),
        dirs.resumeDir(),
        pipeline,
        attempt,
        channel,
        workerSettings,
        workerOwnedPaths,
        leftovers,
        stageType,
        System::nanoTime,
        resourceCache);
  }

  /**
   * @param sessionDir the session's directory
   * @param outputDir this attempt's output directory inside it
   * @param resumeDir this attempt's resume directory inside it (see {@link #resumeDir()})
   * @param workerOwnedPaths see {@link #workerOwnedPaths()}; made absolute and normalized
   * @param leftovers see {@link #leftovers()}
   * @param stageType names the logger ({@code dev.locality.stage.<type>})
   * @param nanoTime the clock {@link #progress} throttles by ({@link System#nanoTime} but in tests)
   */
  public AttemptContext(
      Path sessionDir,
      Path outputDir,
      Path resumeDir,
      PipelineInfo pipeline,
      int attempt,
      HeartbeatChannel channel,
      WorkerSettingValues workerSettings,
      List<Path> workerOwnedPaths,
      Leftovers leftovers,
      String stageType,
      LongSupplier nanoTime) {
    this(
        sessionDir,
        outputDir,
        resumeDir,
        pipeline,
        attempt,
        channel,
        workerSettings,
        workerOwnedPaths,
        leftovers,
        stageType,
        nanoTime,
        null);
  }

  /**
   * As above, with the worker's resource cache.
   *
   * @param resourceCache the worker's {@link ResourceCache}, seen in {@code stageType}'s namespace
   *     through {@link #resources()}; null: nothing shared ({@link StageResources#unshared()})
   */
  public AttemptContext(
      Path sessionDir,
      Path outputDir,
      Path resumeDir,
      PipelineInfo pipeline,
      int attempt,
      HeartbeatChannel channel,
      WorkerSettingValues workerSettings,
      List<Path> workerOwnedPaths,
      Leftovers leftovers,
      String stageType,
      LongSupplier nanoTime,
      ResourceCache resourceCache) {
    this.resources =
        resourceCache == null
            ? StageResources.unshared()
            : resourceCache.view(stageType, this::keepAlive);
    this.sessionDir = sessionDir.toAbsolutePath().normalize();
    this.outputDir = outputDir.toAbsolutePath().normalize();
    this.resumeDir = resumeDir.toAbsolutePath().normalize();
    this.pipeline = pipeline;
    this.attempt = attempt;
    this.channel = channel;
    this.workerSettings = workerSettings;
    this.workerOwnedPaths =
        workerOwnedPaths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.leftovers = leftovers;
    this.logger = System.getLogger("dev.locality.stage." + stageType);
    this.nanoTime = nanoTime;
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

  /** A heartbeat during a pass over file bytes: repeats the stage's latest progress. */
  private void keepAlive() {
    Progress last = latest;
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
    latest = progress;
    channel.heartbeat(progress);
    lastSent = nanoTime.getAsLong();
    sentOnce = true;
  }

  @Override
  public void progress(long done, long total) {
    throttled(Progress.bytes(done, total), total >= 0 && done >= total);
  }

  @Override
  public void progressRows(long rows) {
    throttled(Progress.rows(rows), false);
  }

  private void throttled(Progress progress, boolean complete) {
    if (complete || !sentOnce || nanoTime.getAsLong() - lastSent >= INTERVAL_NANOS) {
      heartbeat(progress);
    } else {
      latest = progress;
    }
  }

  @Override
  public Optional<Progress> previousProgress() {
    return channel.previous();
  }

  @Override
  public <T> T setting(SettingSpec<T> setting) {
    return workerSettings.get(setting);
  }

  @Override
  public List<Path> workerOwnedPaths() {
    return workerOwnedPaths;
  }

  @Override
  public Leftovers leftovers() {
    return leftovers;
  }

  @Override
  public StageResources resources() {
    return resources;
  }

  @Override
  public System.Logger logger() {
    return logger;
  }
}
