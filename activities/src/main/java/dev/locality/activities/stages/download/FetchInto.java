package dev.locality.activities.stages.download;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.Leftovers;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fetches one file for another stage exactly as {@code download} does (every scheme, the host
 * policy, allowed file roots, S3 settings, {@code maxDownloadBytes}, SHA-256 check, resuming a
 * partial network download on a retry), but into a directory of the caller's choice inside the
 * session and under a smaller size limit of the caller's. Thread-safe: one instance serves all
 * sessions (it holds the download stage's S3 clients).
 */
public final class FetchInto {
  private final DownloadStage download = new DownloadStage();

  /**
   * Checks a URL as {@code download} checks its {@code url} option.
   *
   * @throws IllegalArgumentException with a message fit for an option problem
   */
  public static void checkUrl(String url) {
    SourceUrl.parse(url);
  }

  /** The last segment of the URL's path ({@code download} stores the file under it). */
  public static String fileName(String url) {
    return SourceUrl.parse(url).fileName();
  }

  /**
   * Fetches {@code url} into {@code dir} (inside the session; must not hold a file of the same
   * name), keeping a partial network download in {@code partialDir} for the next attempt.
   * Heartbeats with bytes done as {@code download} does.
   *
   * @param sha256 the expected SHA-256, or null
   * @param maxBytes the caller's limit, applied when smaller than {@code maxDownloadBytes}
   * @param limitSetting the worker setting {@code maxBytes} comes from, named in the message when
   *     the file exceeds it
   * @return the fetched file, its size and SHA-256
   * @throws BadInputException as {@code download} fails on bad input
   */
  public Artifact fetch(
      StageContext context,
      String url,
      String sha256,
      Path dir,
      Path partialDir,
      long maxBytes,
      SettingSpec<Long> limitSetting)
      throws Exception {
    Files.createDirectories(dir);
    long downloadLimit = context.setting(DownloadOptions.MAX_BYTES);
    boolean callersLimit = maxBytes < downloadLimit;
    Map<String, Object> options = new LinkedHashMap<>();
    options.put(DownloadOptions.URL.name(), url);
    if (sha256 != null) options.put(DownloadOptions.SHA256.name(), sha256);
    StageContext scoped =
        new Scoped(context, dir, partialDir, callersLimit ? maxBytes : downloadLimit);
    try {
      return download
          .run(new StageInput(List.of(), new StageConfig(options)), scoped)
          .outputs()
          .get(0);
    } catch (BadInputException e) {
      if (!callersLimit) throw e;
      String message =
          e.getMessage()
              .replace(
                  "worker setting " + DownloadOptions.MAX_BYTES.name(),
                  "worker setting " + limitSetting.name() + "=" + ByteSizes.format(maxBytes));
      throw new BadInputException(message, e);
    }
  }

  /** The caller's context with the download's directories and size limit. */
  private static final class Scoped implements StageContext {
    private final StageContext context;
    private final Path outputDir;
    private final Path resumeDir;
    private final long maxBytes;

    Scoped(StageContext context, Path outputDir, Path resumeDir, long maxBytes) {
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
}
