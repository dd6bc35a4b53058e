package dev.locality.api.stage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;

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
   * attempt (a retried attempt rewrites its outputs: stages are idempotent this way).
   */
  Path outputDir();

  /** The absolute path of an input artifact, checked to stay inside the session directory. */
  Path resolve(Artifact artifact);

  /** Describes a file the stage wrote inside the session directory (size and SHA-256). */
  Artifact artifact(Path file, long rows) throws IOException;

  PipelineInfo pipeline();

  /** 1 for the first attempt of this stage, 2 for its first retry on the same worker, ... */
  int attempt();

  /** Records progress and proves the stage is alive. See the class comment. */
  void heartbeat(Progress progress);

  /** Progress the previous attempt reported, if any: a resume point. */
  Optional<Progress> previousProgress();

  /** A worker setting (for example {@code allowedFileRoots}) or empty when unset. */
  Optional<String> workerSetting(String name);

  Logger logger();
}
