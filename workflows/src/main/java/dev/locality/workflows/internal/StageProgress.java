package dev.locality.workflows.internal;

import dev.locality.api.spec.StageSpec;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import dev.locality.workflows.session.WorkerSession;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The stage runs of one session attempt, as the {@code status} query and the result show them.
 * Workflow state: timestamps come from {@link Workflow#currentTimeMillis()}.
 */
public final class StageProgress {
  public static final String PENDING = "PENDING";
  public static final String RUNNING = "RUNNING";
  public static final String COMPLETED = "COMPLETED";
  public static final String FAILED = "FAILED";
  public static final String CANCELLED = "CANCELLED";

  /** Not run: an earlier stage found its sources unchanged (SKIPPED_UNCHANGED). */
  public static final String SKIPPED = "SKIPPED";

  private final List<StageRun> runs = new ArrayList<>();

  /** All stages PENDING in {@code session}. */
  public StageProgress(List<StageSpec> stages, WorkerSession session) {
    for (int i = 0; i < stages.size(); i++) {
      runs.add(
          new StageRun(
              i,
              stages.get(i).type(),
              PENDING,
              session.sessionId(),
              session.workerId(),
              session.taskQueue(),
              0,
              0,
              null,
              List.of(),
              null));
    }
  }

  /** No stages (before the first session opens). */
  public StageProgress() {}

  public void started(int index) {
    set(index, RUNNING, Workflow.currentTimeMillis(), 0, null, List.of(), null, null);
  }

  public void completed(int index, StageResult result) {
    set(
        index,
        COMPLETED,
        runs.get(index).startedAtMillis(),
        Workflow.currentTimeMillis(),
        result.metrics(),
        result.outputUris(),
        null,
        result.manifest());
  }

  /**
   * Stage {@code index} completed in an earlier session whose files this (re-attached) session took
   * over: its run is kept as that session recorded it (session, worker, times, metrics).
   */
  public void resumed(int index, StageRun earlier) {
    runs.set(index, earlier);
  }

  /** FAILED with the failure's message, or CANCELLED when the session was lost under it. */
  public void ended(int index, RuntimeException failure, boolean sessionLost) {
    String message =
        failure instanceof TemporalFailure f ? f.getOriginalMessage() : failure.getMessage();
    set(
        index,
        sessionLost ? CANCELLED : FAILED,
        runs.get(index).startedAtMillis(),
        Workflow.currentTimeMillis(),
        null,
        List.of(),
        message,
        null);
  }

  /** Replaces stage {@code index}'s run, keeping its type and session. */
  private void set(
      int index,
      String state,
      long startedAtMillis,
      long endedAtMillis,
      StageMetrics metrics,
      List<String> outputUris,
      String failure,
      ArtifactManifest manifest) {
    StageRun r = runs.get(index);
    runs.set(
        index,
        new StageRun(
            index,
            r.type(),
            state,
            r.sessionId(),
            r.workerId(),
            r.taskQueue(),
            startedAtMillis,
            endedAtMillis,
            metrics,
            outputUris,
            failure,
            manifest));
  }

  /** Marks stage {@code from} and every later one SKIPPED (never started). */
  public void skipRemaining(int from) {
    for (int i = from; i < runs.size(); i++) {
      set(i, SKIPPED, 0, 0, null, List.of(), null, null);
    }
  }

  public List<StageRun> runs() {
    return List.copyOf(runs);
  }

  /** Every output URI of the completed stages, in stage order. */
  public List<String> outputUris() {
    List<String> uris = new ArrayList<>();
    for (StageRun r : runs) {
      if (r.outputUris() != null) uris.addAll(r.outputUris());
    }
    return uris;
  }
}
