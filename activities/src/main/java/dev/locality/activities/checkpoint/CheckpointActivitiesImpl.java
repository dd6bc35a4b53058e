package dev.locality.activities.checkpoint;

import dev.locality.activities.dispatch.SpilledOutputs;
import dev.locality.activities.session.MdcScope;
import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.api.checkpoint.CheckpointActivities;
import dev.locality.api.checkpoint.CheckpointLayout;
import dev.locality.api.checkpoint.CheckpointRestore;
import dev.locality.api.checkpoint.CheckpointSave;
import dev.locality.api.checkpoint.CheckpointSaved;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint activities on a worker's unique queue: see {@link CheckpointActivities} for the
 * contracts. Every step runs only while this worker holds the session ({@link SessionRegistry}'s
 * fence, checked at every heartbeat and right before each object is committed); a lost session
 * fails the activity non-retryably with {@link Failures#SESSION_LOST}. Thread-safe.
 */
public final class CheckpointActivitiesImpl implements CheckpointActivities {
  private static final Logger log = LoggerFactory.getLogger(CheckpointActivitiesImpl.class);

  private final String workerId;
  private final SessionRegistry sessions;
  private final CheckpointStores stores;
  private final Heartbeats heartbeats;

  /** What the activities heartbeat through; Temporal's activity context on a worker. */
  @FunctionalInterface
  public interface Heartbeats {
    /** Reports liveness; throws when the activity must stop (cancelled, timed out). */
    void beat(Object details);

    Heartbeats TEMPORAL = details -> Activity.getExecutionContext().heartbeat(details);
  }

  public CheckpointActivitiesImpl(
      String workerId, SessionRegistry sessions, CheckpointStores stores) {
    this(workerId, sessions, stores, Heartbeats.TEMPORAL);
  }

  /** With another heartbeat channel (tests that run the activities without Temporal). */
  public CheckpointActivitiesImpl(
      String workerId, SessionRegistry sessions, CheckpointStores stores, Heartbeats heartbeats) {
    this.workerId = workerId;
    this.sessions = sessions;
    this.stores = stores;
    this.heartbeats = heartbeats;
  }

  @Override
  public CheckpointSaved save(CheckpointSave request) {
    try (MdcScope ignored =
        MdcScope.of(request.pipeline().workflowId(), request.sessionId(), workerId)) {
      OpenSession session = session(request.sessionId());
      Runnable fence = fence(request.sessionId());
      Runnable heartbeat = heartbeat(fence);
      CheckpointStore store = stores.open(request.store());
      String key =
          CheckpointLayout.checkpoint(
              request.pipeline(), request.stageIndex(), request.stageType(), request.sessionId());
      List<CheckpointManifest.Entry> entries = new ArrayList<>();
      long bytes = 0;
      for (Artifact output : filesOf(request, session.dir())) {
        Path file = inside(session.dir(), output.path());
        String sha256 = output.sha256();
        if (sha256 == null) sha256 = Artifact.describe(session.dir(), file, -1).sha256();
        long size = Files.size(file);
        if (output.bytes() >= 0 && size != output.bytes()) {
          throw ApplicationFailure.newNonRetryableFailure(
              output.path() + " has " + size + " bytes, the stage recorded " + output.bytes(),
              Failures.SESSION_LOST);
        }
        store.put(key + CheckpointLayout.FILES + output.path(), file, sha256, heartbeat, fence);
        entries.add(new CheckpointManifest.Entry(output.path(), size, sha256));
        bytes += size;
        heartbeat.run();
      }
      CheckpointManifest manifest =
          new CheckpointManifest(
              CheckpointManifest.FORMAT,
              request.pipeline().workflowId(),
              request.pipeline().runId(),
              request.stageIndex(),
              request.stageType(),
              request.sessionId(),
              entries);
      store.putBytes(key + CheckpointLayout.MANIFEST, manifest.toJson(), fence);
      log.info(
          "checkpoint of stage {} ({}) saved: {} file(s), {} bytes at {}",
          request.stageIndex(),
          request.stageType(),
          entries.size(),
          bytes,
          store.describe(key));
      return new CheckpointSaved(
          request.store(),
          CheckpointLayout.runPrefix(request.pipeline()),
          key,
          entries.size(),
          bytes);
    } catch (BadInputException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "checkpoint store refused the write: " + e.getMessage(), Failures.BAD_INPUT);
    } catch (IOException e) {
      throw new UncheckedIOException("saving the checkpoint: " + e.getMessage(), e);
    }
  }

  @Override
  public long restore(CheckpointRestore request) {
    CheckpointSaved checkpoint = request.checkpoint();
    try (MdcScope ignored = MdcScope.of(null, request.sessionId(), workerId)) {
      OpenSession session = session(request.sessionId());
      Runnable heartbeat = heartbeat(fence(request.sessionId()));
      CheckpointStore store = stores.open(checkpoint.store());
      CheckpointRestorer restorer =
          new CheckpointRestorer(store, checkpoint.key(), session.dir(), heartbeat);
      long bytes = restorer.restore(request.outputs(), request.manifest());
      if (request.manifest() != null) {
        try {
          SpilledOutputs.read(request.manifest(), session.dir()); // the list matches its summary
        } catch (ApplicationFailure e) {
          restorer.removeRestored();
          throw unusable(store.describe(checkpoint.key()), e.getOriginalMessage());
        }
      }
      log.info(
          "checkpoint {} restored into session {}: {} bytes",
          store.describe(checkpoint.key()),
          request.sessionId(),
          bytes);
      return bytes;
    } catch (CheckpointRestorer.Unusable e) {
      throw unusable(e.where(), e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("restoring the checkpoint: " + e.getMessage(), e);
    }
  }

  @Override
  public int delete(String store, String runPrefix) {
    try {
      CheckpointStore opened = stores.open(store);
      int deleted = opened.deleteAll(runPrefix, () -> heartbeats.beat(null));
      log.info("deleted {} checkpoint object(s) under {}", deleted, opened.describe(runPrefix));
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("deleting checkpoints: " + e.getMessage(), e);
    }
  }

  private static ApplicationFailure unusable(String where, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        "checkpoint " + where + " is unusable: " + why, CheckpointActivities.UNUSABLE);
  }

  /** The files a checkpoint holds: the outputs, or the spilled list and its manifest file. */
  private static List<Artifact> filesOf(CheckpointSave request, Path sessionDir)
      throws IOException {
    if (request.manifest() == null) return request.outputs();
    List<Artifact> files = new ArrayList<>(SpilledOutputs.read(request.manifest(), sessionDir));
    Path list = inside(sessionDir, request.manifest().path());
    files.add(Artifact.describe(sessionDir, list, -1));
    return files;
  }

  /** {@code relative} resolved in {@code dir}; a path that leaves it is a non-retryable bug. */
  static Path inside(Path dir, String relative) {
    Path path = dir.resolve(relative).normalize();
    if (!path.startsWith(dir) || path.equals(dir)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "output path " + relative + " leaves the session directory", Failures.BAD_INPUT);
    }
    return path;
  }

  private OpenSession session(String sessionId) {
    return sessions
        .find(sessionId)
        .filter(open -> Files.isDirectory(open.dir()))
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "session " + sessionId + " is not open on worker " + workerId,
                    Failures.SESSION_LOST));
  }

  /** Throws (non-retryable {@link Failures#SESSION_LOST}) once this worker lost the session. */
  private Runnable fence(String sessionId) {
    return () -> {
      if (!sessions.isHeld(sessionId)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "session " + sessionId + " is no longer held by worker " + workerId + " (fenced)",
            Failures.SESSION_LOST);
      }
    };
  }

  private Runnable heartbeat(Runnable fence) {
    return () -> {
      fence.run();
      heartbeats.beat(null);
    };
  }
}
