package dev.locality.activities.stages.upload;

import dev.locality.activities.stages.internal.ContainedDirectory;
import dev.locality.activities.stages.internal.FileContainment;
import dev.locality.activities.stages.internal.OpenedFile;
import dev.locality.activities.stages.internal.Options;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.s3.S3Clients;
import dev.locality.activities.stages.s3.S3Location;
import dev.locality.activities.stages.s3.S3Uploader;
import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code upload}: publishes the input artifacts through a {@code file:///} or {@code s3://}
 * URI template.
 *
 * <pre>{@code
 * - type: upload
 *   to: s3://reports/{name}/{date}/{file}      # or file:///data/out/{name}/{date}/{file}
 *   overwrite: false
 * }</pre>
 *
 * <p>Placeholders: {@code {name}} (pipeline name), {@code {runId}}, {@code {workflowId}}, {@code
 * {file}} (artifact file name), {@code {date}} (yyyy-MM-dd in UTC, when the attempt runs). Without
 * {@code {file}} the stage takes exactly one data input (rejects files go next to it). It
 * {@linkplain #consumes consumes} every artifact, rejects included, returns the written URIs as
 * output URIs and passes its input artifacts on unchanged. Heartbeats carry bytes written out of
 * the inputs' total.
 *
 * <p><b>Atomic publication.</b> A file is written to a temporary file in the target directory
 * (created when missing), forced to disk and renamed over the target ({@link AtomicFileWriter});
 * with {@code link: true} (the default) a target on the worker's own file system gets that
 * temporary name as a hard link to the worker's copy instead of a copy of its bytes. An S3 object
 * is written with one checksummed PUT below the multipart threshold, else as a checksummed
 * multipart upload that is aborted on any failure ({@link S3Uploader}); either way readers never
 * see a partial object. Multipart uploads are recorded as the stage's {@link
 * StageContext#leftovers()} (kept by the pipeline) until completed or aborted; the next attempt, on
 * this worker or after a failover on another, first aborts those earlier attempts left, and never
 * touches another pipeline's uploads of the same key.
 *
 * <p><b>Fencing: no commit without a fence check immediately before it.</b> Progress heartbeats are
 * throttled, so the last one (which checks that this worker still holds the session) may be a while
 * ago. Immediately before each commit point the stage therefore heartbeats unthrottled through
 * {@link StageContext#heartbeat}: before the atomic rename of a file, before an S3 single PUT
 * starts, before {@code CompleteMultipartUpload}. When that heartbeat throws (the session was lost
 * or the pipeline cancelled), nothing is committed: the temporary file is deleted or the multipart
 * upload aborted, and the exception propagates unchanged.
 *
 * <p><b>Overwrite.</b> With {@code overwrite: false} every target is checked before anything is
 * written: an existing target is bad input, unless it already holds the artifact's content (same
 * size and SHA-256: a retried attempt wrote it), in which case it is left alone. For {@code file:}
 * targets the commit itself is exclusive too (a hard link that fails when the target exists, see
 * {@link AtomicFileWriter}): of two pipelines writing one target concurrently exactly one wins, the
 * other fails with "target exists" and the winner's bytes stay intact.
 *
 * <p><b>Containment.</b> {@code file:} targets are checked by {@link FileContainment} before
 * anything is written: they must lie under the worker setting {@code allowedUploadRoots} when it is
 * set, and are never under {@code /proc}, {@code /sys}, {@code /dev}, the worker's work root or
 * plugins directory, nor reached through a symbolic link that leads there or out of the roots. The
 * target's directory is checked again once created and opened without following links; the
 * temporary file is created in that opened directory. A refusal is bad input naming the target and
 * the reason.
 *
 * <p><b>Worker settings</b> ({@link UploadOptions#SETTINGS}): {@code allowedUploadRoots}, the
 * multipart threshold and part size (raised so a file needs at most 10,000 parts; also the memory
 * buffer per running upload) and the S3 connection settings of {@link
 * dev.locality.activities.stages.s3.S3Settings}. S3 credentials come only from the worker's
 * environment. Thread-safe.
 */
public final class UploadStage implements Stage {
  public static final String TYPE = "upload";
  private static final Logger LOG = LoggerFactory.getLogger("dev.locality.stage." + TYPE);

  private final Clock clock;
  private final S3Clients s3Clients = new S3Clients();

  public UploadStage() {
    this(Clock.systemUTC());
  }

  UploadStage(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Publishes files atomically to a file:// or s3:// URI template";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return UploadOptions.ALL;
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return UploadOptions.SETTINGS;
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    try {
      TargetTemplate.parse(config.get(UploadOptions.TO));
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(new OptionProblem(UploadOptions.TO.name(), e.getMessage()));
    }
  }

  /** Every artifact: rejects are published next to the data. */
  @Override
  public boolean consumes(Artifact artifact) {
    return true;
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    TargetTemplate template;
    try {
      template = TargetTemplate.parse(Options.read(input.config(), UploadOptions.TO));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("option 'to': " + e.getMessage(), e);
    }
    boolean overwrite = Options.read(input.config(), UploadOptions.OVERWRITE);
    boolean link = Options.read(input.config(), UploadOptions.LINK);
    List<Artifact> artifacts = input.artifacts();
    if (artifacts.isEmpty()) {
      throw new BadInputException("nothing to upload: the previous stage produced no files");
    }
    List<Artifact> data = artifacts.stream().filter(Artifact::holdsData).toList();
    if (data.size() > 1 && !template.hasPlaceholder("file") && !template.hasPlaceholder("path")) {
      throw new BadInputException(
          "option 'to': "
              + template
              + " has no {file} or {path} placeholder but there are "
              + data.size()
              + " files to upload ("
              + String.join(", ", data.stream().map(Artifact::fileName).toList())
              + ")");
    }
    Map<String, Artifact> targets = targets(template, artifacts, context.pipeline());
    List<Upload> uploads = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, Artifact> e : targets.entrySet()) {
      Path source = context.resolve(e.getValue());
      long size = Files.size(source);
      uploads.add(new Upload(e.getValue(), source, size, e.getKey()));
      total += size;
    }
    ByteProgress progress = new ByteProgress(context, total);
    progress.reportNow(0);
    long done =
        template.isS3()
            ? publishToS3(template, uploads, overwrite, progress, context)
            : publishFiles(uploads, overwrite, link, progress, context);
    progress.reportNow(done);
    List<String> uris = uploads.stream().map(u -> template.uri(u.target())).toList();
    return new StageResult(artifacts, StageMetrics.bytes(total, done), uris);
  }

  /** One artifact and where it goes. */
  private record Upload(Artifact artifact, Path source, long size, String target) {}

  /** Bytes uploaded out of the total, as the stage's progress. */
  private record ByteProgress(StageContext context, long total) {
    /** Throttled by the context. */
    void report(long done) {
      context.progress(done, total);
    }

    /** Heartbeats now. */
    void reportNow(long done) {
      context.heartbeat(Progress.bytes(done, total));
    }
  }

  /**
   * Reports one file's bytes sent as the stage's progress (throttled) and performs the fence check
   * before the file's commit: an unthrottled heartbeat, which throws when this worker no longer
   * holds the session. Not thread-safe.
   */
  private static final class UploadProgress implements LongConsumer {
    private final ByteProgress progress;
    private final long before;
    private long done;

    UploadProgress(ByteProgress progress, long before) {
      this.progress = progress;
      this.before = before;
      this.done = before;
    }

    @Override
    public void accept(long sent) {
      done = before + sent;
      progress.report(done);
    }

    /** Heartbeats now, without throttling: the fence check right before a commit. */
    void fenceCheck() {
      progress.reportNow(done);
    }
  }

  private long publishFiles(
      List<Upload> uploads,
      boolean overwrite,
      boolean link,
      ByteProgress progress,
      StageContext context)
      throws IOException {
    FileContainment files = FileContainment.forUploads(context);
    for (Upload u : uploads) files.check(Path.of(u.target()), what(u)); // before any write
    java.util.Set<Upload> skip = new java.util.HashSet<>();
    if (!overwrite) {
      for (Upload u : uploads) {
        if (alreadyUploaded(files, u, progress)) skip.add(u);
      }
    }
    long done = 0;
    java.util.Set<Path> renamedInto = new java.util.LinkedHashSet<>();
    for (Upload u : uploads) {
      Path target = Path.of(u.target());
      if (skip.contains(u)) {
        LOG.info("{} already holds this content; not rewritten", target);
      } else {
        UploadProgress fileProgress = new UploadProgress(progress, done);
        try (ContainedDirectory dir = files.openDirectory(target.getParent(), what(u))) {
          AtomicFileWriter.Outcome outcome =
              AtomicFileWriter.publish(
                  u.source(),
                  dir,
                  target.getFileName().toString(),
                  overwrite,
                  link,
                  () -> sha256(u, progress),
                  fileProgress,
                  fileProgress::fenceCheck);
          if (outcome == AtomicFileWriter.Outcome.ALREADY_PRESENT) {
            LOG.info("{} appeared with this content meanwhile", target);
          }
          renamedInto.add(dir.path());
        }
      }
      done += u.size();
    }
    AtomicFileWriter.syncDirectories(renamedInto); // the renames are durable before we report
    return done;
  }

  private static String what(Upload u) {
    return "upload target " + u.target();
  }

  /**
   * Whether the target exists already with exactly the source's content (a retried attempt). It is
   * opened through the containment (never through a link that leaves the allowed roots); both files
   * are read only when their sizes match, heartbeating meanwhile; the source's digest is the
   * artifact's when it has one.
   *
   * @throws BadInputException when it exists with other content
   */
  private static boolean alreadyUploaded(FileContainment files, Upload u, ByteProgress progress)
      throws IOException {
    OpenedFile existing;
    try {
      existing = files.openRead(Path.of(u.target()), what(u));
    } catch (NoSuchFileException e) {
      return false;
    }
    try (existing) {
      if (existing.attributes().isRegularFile()
          && existing.attributes().size() == u.size()
          && Sha256.of(existing.inputStream(), () -> progress.report(0))
              .equals(sha256(u, progress))) {
        return true;
      }
    }
    throw new BadInputException(
        "target "
            + Path.of(u.target()).toUri()
            + " exists and option 'overwrite' is false; remove it or set overwrite: true");
  }

  private long publishToS3(
      TargetTemplate template,
      List<Upload> uploads,
      boolean overwrite,
      ByteProgress progress,
      StageContext context)
      throws IOException {
    S3Uploader uploader =
        new S3Uploader(
            s3Clients.client(context),
            context.setting(UploadOptions.S3_MULTIPART_THRESHOLD),
            context.setting(UploadOptions.S3_PART_SIZE),
            LOG,
            context.leftovers());
    uploader.abortRecordedUploads(() -> progress.report(0)); // what earlier attempts left
    if (template.uniqueToRun()) { // also uploads whose id an earlier attempt never learned
      for (Upload u : uploads)
        uploader.abortPendingUploadsOfRunOwnedKey(location(template, u), () -> progress.report(0));
    }
    List<String> hashes = new ArrayList<>();
    java.util.Set<Upload> skip = new java.util.HashSet<>();
    for (Upload u : uploads) {
      String sha = sha256(u, progress);
      hashes.add(sha);
      if (!overwrite && uploader.alreadyPresent(location(template, u), u.size(), sha)) skip.add(u);
    }
    long done = 0;
    for (int i = 0; i < uploads.size(); i++) {
      Upload u = uploads.get(i);
      if (!skip.contains(u)) {
        UploadProgress fileProgress = new UploadProgress(progress, done);
        S3Uploader.Outcome outcome =
            uploader.upload(
                location(template, u),
                u.source(),
                hashes.get(i),
                overwrite,
                fileProgress,
                fileProgress::fenceCheck);
        if (outcome == S3Uploader.Outcome.ALREADY_PRESENT) {
          LOG.info("{} appeared with this content meanwhile", u.target());
        }
      }
      done += u.size();
      progress.report(done);
    }
    return done;
  }

  private static S3Location location(TargetTemplate template, Upload u) {
    return new S3Location(template.bucket(), u.target());
  }

  /** The artifact's SHA-256 when it describes the file, else computed (heartbeating meanwhile). */
  private static String sha256(Upload u, ByteProgress progress) throws IOException {
    Artifact a = u.artifact();
    if (Sha256.isHex(a.sha256()) && a.bytes() == u.size())
      return a.sha256().toLowerCase(java.util.Locale.ROOT);
    return Sha256.ofFile(u.source(), () -> progress.report(0)); // heartbeats while hashing
  }

  /**
   * The artifact's path relative to the output directory of the stage attempt that wrote it ({@code
   * <index>-<type>/attempt-<n>/}, see {@link dev.locality.stage.runtime.AttemptDirs}): {@code
   * state=CA/part-00000.parquet}; its file name when it lies elsewhere.
   */
  static String pathInStageOutput(Artifact artifact) {
    String[] segments = artifact.path().split("/");
    if (segments.length > 2
        && segments[0].matches("\\d+-.+")
        && segments[1].matches("attempt-\\d+")) {
      return String.join("/", java.util.Arrays.copyOfRange(segments, 2, segments.length));
    }
    return artifact.fileName();
  }

  private Map<String, Artifact> targets(
      TargetTemplate template, List<Artifact> artifacts, PipelineInfo pipeline) {
    Map<String, String> values = new HashMap<>();
    values.put("name", pipeline.name());
    values.put("runId", pipeline.runId());
    values.put("workflowId", pipeline.workflowId());
    values.put("date", LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString());
    Map<String, Artifact> targets = new LinkedHashMap<>();
    String dataTarget = null;
    for (Artifact artifact : artifacts) {
      values.put("file", artifact.fileName());
      values.put("path", pathInStageOutput(artifact));
      String target;
      try {
        target = template.expand(values);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("option 'to': " + e.getMessage(), e);
      }
      if (artifact.holdsData()) {
        dataTarget = target;
      } else if (!template.hasPlaceholder("file")
          && !template.hasPlaceholder("path")
          && dataTarget != null) {
        target = template.sibling(dataTarget, artifact.fileName()); // rejects next to the output
      }
      Artifact previous = targets.putIfAbsent(target, artifact);
      if (previous != null) {
        throw new BadInputException(
            "option 'to': "
                + previous.path()
                + " and "
                + artifact.path()
                + " would both be uploaded to "
                + template.uri(target));
      }
    }
    return targets;
  }
}
