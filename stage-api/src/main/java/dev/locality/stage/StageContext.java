package dev.locality.stage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The environment of one stage attempt: where to write, how to describe what was written, how to
 * report progress. Not shared between attempts. <b>Thread-safety:</b> a stage calls it from one
 * thread at a time (the attempt's own, or one it hands the work to); streams from {@link
 * #createOutput} may be written and closed on other threads.
 *
 * <p><b>Heartbeat duty:</b> a stage must report progress at least every few seconds while it works,
 * otherwise the attempt is declared lost after the stage's heartbeat timeout (and retried). From a
 * loop call {@link #progress} (or {@link #progressRows}) after every buffer or batch of rows: it
 * heartbeats at most every {@value #PROGRESS_INTERVAL_MILLIS} ms, plus the first call and the one
 * that reaches the total, so calling it often costs nothing. {@link #heartbeat} sends at once (a
 * check right before a commit). Both throw {@link StageCancelledException} when the pipeline was
 * cancelled, the attempt timed out or the worker lost the session; the stage lets it propagate.
 *
 * <p><b>Failure:</b> when the attempt throws, the framework deletes its {@link #outputDir()} (so a
 * failed attempt never leaves partial output, and the stage need not clean up) and keeps its {@link
 * #resumeDir()} for the next attempt after a transient failure (not after bad input, a full disk or
 * exhausted worker resources).
 */
public interface StageContext {
  /** The shortest time between two heartbeats {@link #progress} sends (250 ms). */
  long PROGRESS_INTERVAL_MILLIS = 250;

  /** The session's directory on local disk; artifacts' paths are relative to it. */
  Path sessionDir();

  /**
   * A directory for this stage's outputs, inside the session directory, empty at the start of every
   * attempt (a retried attempt rewrites its outputs: stages are idempotent this way) and deleted by
   * the framework when the attempt fails. Each attempt has its own ({@code
   * <index>-<type>/attempt-<n>}): an earlier attempt that is still running (it timed out but has
   * not noticed yet) never writes into or deletes a later attempt's directory.
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

  /**
   * Records progress and proves the stage is alive, now: every call reaches the framework (which
   * checks for cancellation and, on a worker, that it still holds the session; the orchestrator's
   * client batches what goes over the network). Use it where a heartbeat must happen at this point
   * (right before committing an external side effect); from loops use {@link #progress}.
   *
   * @throws StageCancelledException when the attempt must stop
   */
  void heartbeat(Progress progress);

  /**
   * Reports {@code done} bytes of {@code total} (-1 when unknown), throttled: heartbeats when this
   * is the attempt's first progress, when {@code done} reaches {@code total}, or when the last
   * heartbeat is at least {@value #PROGRESS_INTERVAL_MILLIS} ms old; otherwise it only remembers
   * the value (repeated by heartbeats while the framework reads files). Cheap enough to call after
   * every buffer.
   *
   * <p>The default, for implementations that predate it, heartbeats on every call.
   *
   * @throws StageCancelledException when the attempt must stop (checked whenever it heartbeats)
   */
  default void progress(long done, long total) {
    heartbeat(Progress.bytes(done, total));
  }

  /**
   * Reports {@code rows} rows done (total unknown), throttled as {@link #progress}.
   *
   * <p>The default, for implementations that predate it, heartbeats on every call.
   *
   * @throws StageCancelledException when the attempt must stop
   */
  default void progressRows(long rows) {
    heartbeat(Progress.rows(rows));
  }

  /** Progress the previous attempt reported, if any: a resume point. */
  Optional<Progress> previousProgress();

  /**
   * The value of a worker setting on this worker, or its default when unset. Values were checked
   * when the worker started, so this does not fail for a setting the stage declares in {@link
   * Stage#settings()}.
   */
  <T> T setting(SettingSpec<T> setting);

  /**
   * Directories of the worker itself that no stage may read or write through a path taken from a
   * pipeline spec (a {@code file:} URL, an upload target), wherever the worker's allowed roots
   * point: its work root (every session's files, the lock files) and its plugins directory (code
   * the worker loads). Absolute; may name directories that do not exist. The session's own files
   * are reached through {@link #sessionDir()}, {@link #resolve} and {@link #createOutput}, never
   * through these.
   *
   * <p>A stage that opens spec-supplied paths refuses any path that is, or resolves through
   * symbolic links to, one of these or a path inside one. The default, for implementations that
   * predate it, is none.
   */
  default List<Path> workerOwnedPaths() {
    return List.of();
  }

  /**
   * The record of what this stage created outside the worker and must undo unless it finishes it
   * (see {@link Leftovers}): kept by the pipeline, so the next attempt finds an earlier attempt's
   * leftovers after a retry and after a failover to another worker. The same object for the whole
   * attempt.
   *
   * <p>The default, for implementations that predate it, keeps nothing beyond the returned object.
   */
  default Leftovers leftovers() {
    return Leftovers.inMemory();
  }

  /**
   * Resources shared by every session on this worker (a loaded model, a reference table, a
   * connection pool): loaded once, reused until evicted or the worker shuts down. See {@link
   * StageResources}. The worker keeps each stage type's keys apart.
   *
   * <p>The default, for implementations that predate it, shares nothing ({@link
   * StageResources#unshared()}: every acquire loads).
   */
  default StageResources resources() {
    return StageResources.unshared();
  }

  /**
   * The stage's logger, named {@code dev.locality.stage.<type>}. A {@link System.Logger}, so stages
   * need no logging library; on a worker it writes to the worker's log with the pipeline's ids.
   */
  System.Logger logger();
}
