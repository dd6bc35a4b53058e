package dev.locality.stage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The environment of one stage attempt on a worker. Not shared between attempts; a stage may call
 * it from one thread at a time.
 *
 * <p><b>Heartbeat duty:</b> a stage must call {@link #heartbeat} at least every few seconds while
 * it works (calls are cheap: they are throttled), otherwise the attempt is declared lost after the
 * stage's heartbeat timeout. {@code heartbeat} throws an unchecked exception when the pipeline was
 * cancelled or the session closed; the stage should let it propagate after closing its streams.
 */
public interface StageContext {
  /** The session's directory on local disk; artifacts' paths are relative to it. */
  Path sessionDir();

  /**
   * A directory for this stage's outputs, inside the session directory, empty at the start of every
   * attempt (a retried attempt rewrites its outputs: stages are idempotent this way). Each attempt
   * has its own: an earlier attempt that is still running (it timed out but has not noticed yet)
   * never writes into or deletes a later attempt's directory.
   */
  Path outputDir();

  /**
   * A directory this attempt owns for files a retry on this worker may resume from (a partial
   * download), inside the session directory. The next attempt of the same stage on this worker
   * finds there what this attempt left, but only once this attempt has ended: two attempts never
   * share it. Unlike {@link #outputDir()}, a failed attempt's resume files are kept (except after
   * bad input); they are deleted when the stage succeeds or the session closes.
   *
   * <p>The default, for implementations that predate it, is a directory per output directory under
   * {@code <session>/.resume}, shared by attempts.
   */
  default Path resumeDir() {
    String name = sessionDir().relativize(outputDir()).toString().replace('/', '_');
    return sessionDir().resolve(".resume").resolve(name.isEmpty() ? "_" : name);
  }

  /**
   * Creates a new output file (and its missing parent directories) inside the session directory and
   * returns a stream that computes the file's size and SHA-256 while it is written. Once the stream
   * is closed, {@link #artifact} describes the file from that digest without reading it again (the
   * file may be renamed meanwhile; a file changed after closing is read again). Stages should write
   * every output this way: reading a large file back takes long, and only heartbeats keep the
   * attempt alive.
   *
   * <p>The default, for implementations that predate it, records nothing ({@link #artifact} then
   * reads the file).
   *
   * @throws java.nio.file.FileAlreadyExistsException when the file exists
   */
  default HashingOutputStream createOutput(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new HashingOutputStream(out, null, 0, closed -> {});
  }

  /**
   * Opens an output file (created when missing) to continue after its first {@code keep} bytes, as
   * a resumed download does, dropping whatever follows them. Those bytes are read once to start the
   * digest, heartbeating meanwhile; the stream then works like {@link #createOutput}'s.
   *
   * <p>The default, for implementations that predate it, records nothing and heartbeats {@link
   * #previousProgress()} (or no progress) while reading.
   *
   * @throws IOException when the file holds fewer than {@code keep} bytes
   */
  default HashingOutputStream resumeOutput(Path file, long keep) throws IOException {
    Progress resumePoint = previousProgress().orElse(Progress.bytes(0, -1));
    return new OutputDigests().resume(file, keep, () -> heartbeat(resumePoint));
  }

  /** The absolute path of an input artifact, checked to stay inside the session directory. */
  Path resolve(Artifact artifact);

  /**
   * Describes a file the stage wrote inside the session directory (size and SHA-256): from the
   * digest recorded while it was written through {@link #createOutput} or {@link #resumeOutput},
   * else by reading it, heartbeating every few MiB.
   */
  Artifact artifact(Path file, long rows) throws IOException;

  PipelineInfo pipeline();

  /** 1 for the first attempt of this stage, 2 for its first retry on the same worker, ... */
  int attempt();

  /** Records progress and proves the stage is alive. See the class comment. */
  void heartbeat(Progress progress);

  /** Progress the previous attempt reported, if any: a resume point. */
  Optional<Progress> previousProgress();

  /**
   * The value of a worker setting on this worker, or its default when unset. Values were checked
   * when the worker started, so this does not fail for a setting the stage declares in {@link
   * Stage#settings()}.
   */
  <T> T setting(SettingSpec<T> setting);

  /**
   * The stage's logger, named {@code dev.locality.stage.<type>}. A {@link System.Logger}, so stages
   * need no logging library; on a worker it writes to the worker's log with the pipeline's ids.
   */
  System.Logger logger();
}
