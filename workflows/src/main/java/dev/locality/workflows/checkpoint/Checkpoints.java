package dev.locality.workflows.checkpoint;

import dev.locality.api.checkpoint.CheckpointLayout;
import dev.locality.api.checkpoint.CheckpointRestore;
import dev.locality.api.checkpoint.CheckpointSave;
import dev.locality.api.checkpoint.CheckpointSaved;
import dev.locality.api.spec.CheckpointSpec;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.workflow.CheckpointRecord;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.StageResult;
import dev.locality.workflows.session.WorkerSession;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The pipeline's stage checkpoints (see {@link CheckpointSpec}): workflow code, one instance per
 * run, not thread-safe.
 *
 * <ul>
 *   <li><b>Save.</b> When a checkpointed stage (not the last) completes, {@link #afterStage} starts
 *       {@code CheckpointSave} on the session's worker without waiting for it: it runs while the
 *       next stage runs. Only when it has completed does the checkpoint count as usable ({@link
 *       #latest}). A save that fails is recorded ({@link CheckpointRecord#FAILED}) and logged; the
 *       pipeline goes on.
 *   <li><b>Restore.</b> When the pipeline fails over to a new (not re-attached) session, {@link
 *       #restoreInto} restores the newest usable checkpoint into it and says from which stage to
 *       continue; a checkpoint the worker finds missing, partial or corrupt is recorded ({@link
 *       CheckpointRecord#UNUSABLE}) and the stages are redone from the origin.
 *   <li><b>Clean-up.</b> When the pipeline succeeds, {@link #finish} waits for saves still running
 *       and, unless {@code keepCheckpoints}, deletes every checkpoint of the run (best effort).
 * </ul>
 *
 * <p><b>Versioning.</b> Behind the {@value #CHANGE_ID} marker, checked once when the run starts and
 * only when the spec checkpoints a stage: runs without checkpoints record nothing new.
 */
public final class Checkpoints {
  private static final Logger log = Workflow.getLogger(Checkpoints.class);

  /** {@link Workflow#getVersion} change id of stage checkpoints. */
  public static final String CHANGE_ID = "checkpoints-1";

  static final String SAVE = "CheckpointSave";
  static final String RESTORE = "CheckpointRestore";
  static final String DELETE = "CheckpointDelete";

  private final CheckpointSpec plan;
  private final List<StageSpec> stages;
  private final PipelineInfo pipeline;
  private final boolean on;
  private final List<Pending> pending = new ArrayList<>();
  private final List<CheckpointRecord> records = new ArrayList<>();
  private final Set<String> runPrefixes = new LinkedHashSet<>();
  private Usable latest;

  /** A save that was started and has not been accounted for. */
  private record Pending(
      int index,
      String sessionId,
      Promise<CheckpointSaved> promise,
      CancellationScope scope,
      Usable ifSaved) {}

  /**
   * A checkpoint that can be restored, with what the pipeline knew when its stage completed.
   *
   * @param results the results of stages 0..index (the last one's outputs are the checkpoint)
   * @param runs the runs of stages 0..index
   */
  private record Usable(
      int index, CheckpointSaved saved, List<StageResult> results, List<StageRun> runs) {
    Usable with(CheckpointSaved s) {
      return new Usable(index, s, results, runs);
    }
  }

  /**
   * What a restore gave the new session.
   *
   * @param nextStage the first stage to run
   * @param results the results of the stages before it (the last one's outputs are restored)
   * @param runs their runs, as the session that completed them recorded them
   */
  public record Restored(int nextStage, List<StageResult> results, List<StageRun> runs) {}

  private Checkpoints(PipelineSpec spec, PipelineInfo pipeline, boolean on) {
    this.plan = spec.session().checkpointPlan();
    this.stages = spec.stages();
    this.pipeline = pipeline;
    this.on = on;
  }

  /** Call once, at the start of the run (takes the version decision). */
  public static Checkpoints start(PipelineSpec spec, PipelineInfo pipeline) {
    boolean any = spec.session().checkpointPlan().any();
    boolean on = any && Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) >= 1;
    return new Checkpoints(spec, pipeline, on);
  }

  /**
   * Starts the checkpoint of stage {@code index} in the background when the stage is checkpointed
   * (and is not the last stage).
   *
   * @param results the results of stages 0..index in this session (or kept from earlier)
   * @param runs the runs of stages 0..index
   */
  public void afterStage(
      int index,
      WorkerSession session,
      StageResult result,
      List<StageResult> results,
      List<StageRun> runs) {
    account();
    String store = plan.storeOf(index);
    if (!on || store == null || index >= stages.size() - 1) return;
    StageSpec stage = stages.get(index);
    ActivityStub stub = session.newUntypedActivityStub(CheckpointActivityOptions.of(stage));
    CheckpointSave request =
        new CheckpointSave(
            pipeline,
            session.sessionId(),
            index,
            stage.type(),
            store,
            result.outputs(),
            result.manifest());
    @SuppressWarnings("unchecked")
    Promise<CheckpointSaved>[] promise = new Promise[1];
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> promise[0] = stub.executeAsync(SAVE, CheckpointSaved.class, request));
    scope.run();
    log.info("checkpoint of stage {} ({}) started", index, stage.type());
    pending.add(
        new Pending(
            index,
            session.sessionId(),
            promise[0],
            scope,
            new Usable(index, null, List.copyOf(results), List.copyOf(runs))));
  }

  /**
   * Restores the newest usable checkpoint into a new session (one that is not re-attached). Saves
   * of the lost session still running are abandoned first.
   *
   * @return from where the session continues; null when there is no usable checkpoint or it proved
   *     unusable (then every stage runs from the first)
   * @throws RuntimeException what {@link WorkerSession#execute} throws when the session itself was
   *     lost during the restore (the failover goes on)
   */
  public Restored restoreInto(WorkerSession session) {
    abandonPending("the session was lost before the save completed");
    if (!on || latest == null) return null;
    Usable checkpoint = latest;
    StageSpec stage = stages.get(checkpoint.index());
    StageResult result = checkpoint.results().get(checkpoint.index());
    ActivityStub stub = session.newUntypedActivityStub(CheckpointActivityOptions.of(stage));
    CheckpointRestore request =
        new CheckpointRestore(
            session.sessionId(), checkpoint.saved(), result.outputs(), result.manifest());
    String location = location(checkpoint.saved());
    long bytes;
    try {
      bytes =
          session.execute(
              "restore checkpoint of stage " + checkpoint.index() + " (" + stage.type() + ")",
              () -> stub.executeAsync(RESTORE, Long.class, request));
    } catch (TemporalFailure e) {
      if (session.isLost()) throw e;
      String why = e.getOriginalMessage();
      log.warn(
          "checkpoint of stage {} is unusable, redoing the stages from the origin: {}",
          checkpoint.index(),
          why);
      records.add(
          new CheckpointRecord(
              checkpoint.index(),
              stage.type(),
              CheckpointRecord.UNUSABLE,
              session.sessionId(),
              location,
              0,
              why));
      latest = null; // a later failover does not try it again
      return null;
    }
    log.info(
        "restored the checkpoint of stage {} ({}, {} bytes) into session {}: continuing at stage {}",
        checkpoint.index(),
        stage.type(),
        bytes,
        session.sessionId(),
        checkpoint.index() + 1);
    records.add(
        new CheckpointRecord(
            checkpoint.index(),
            stage.type(),
            CheckpointRecord.RESTORED,
            session.sessionId(),
            location,
            bytes,
            null));
    return new Restored(checkpoint.index() + 1, checkpoint.results(), checkpoint.runs());
  }

  /**
   * After the pipeline succeeded in {@code session}: waits for saves still running (usually long
   * done: they ran beside the later stages), so no write of theirs can land after the deletion,
   * then deletes the run's checkpoints unless they are kept. Never fails the pipeline: a failed
   * save or deletion is logged (the store's lifecycle rule is the safety net).
   */
  public void finish(WorkerSession session) {
    if (!on) return;
    account();
    if (!pending.isEmpty()) {
      log.info("waiting for {} checkpoint save(s) to finish", pending.size());
      Workflow.await(
          () -> pending.stream().allMatch(p -> p.promise().isCompleted()) || session.isLost());
    }
    account();
    abandonPending("the session was lost before the save finished");
    if (plan.keep() || runPrefixes.isEmpty()) return;
    for (String store : runPrefixes) {
      String[] parts = store.split("\n", 2);
      ActivityStub stub = session.newUntypedActivityStub(CheckpointActivityOptions.of(null));
      try {
        int deleted =
            session.execute(
                "delete checkpoints",
                () -> stub.executeAsync(DELETE, Integer.class, parts[0], parts[1]));
        log.info("deleted {} checkpoint object(s) under {}{}", deleted, parts[0], parts[1]);
      } catch (TemporalFailure e) {
        log.warn(
            "could not delete the checkpoints under {}{}: {}",
            parts[0],
            parts[1],
            e.getOriginalMessage());
      }
    }
  }

  /** What happened to the checkpoints so far, oldest first. */
  public List<CheckpointRecord> records() {
    return List.copyOf(records);
  }

  /** Moves completed saves into the records (and the newest successful one into latest). */
  private void account() {
    for (var it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (!p.promise().isCompleted()) continue;
      it.remove();
      String type = stages.get(p.index()).type();
      CheckpointSaved saved = null;
      String failure = null;
      try {
        saved = p.promise().get();
      } catch (TemporalFailure e) {
        failure = rootMessage(e);
      }
      if (saved != null) {
        runPrefixes.add(saved.store() + "\n" + saved.runPrefix());
        if (latest == null || p.index() >= latest.index()) latest = p.ifSaved().with(saved);
        records.add(
            new CheckpointRecord(
                p.index(),
                type,
                CheckpointRecord.SAVED,
                p.sessionId(),
                location(saved),
                saved.bytes(),
                null));
        log.info("checkpoint of stage {} ({}) saved at {}", p.index(), type, location(saved));
      } else {
        String store = plan.storeOf(p.index());
        runPrefixes.add(store + "\n" + runPrefix());
        records.add(
            new CheckpointRecord(
                p.index(), type, CheckpointRecord.FAILED, p.sessionId(), null, 0, failure));
        log.warn(
            "checkpoint of stage {} ({}) failed; a failover redoes it from the origin: {}",
            p.index(),
            type,
            failure);
      }
    }
  }

  /** Cancels the saves still running and records them as abandoned. */
  private void abandonPending(String why) {
    account();
    for (Pending p : pending) {
      p.promise().handle((value, failure) -> null); // its failure is expected
      p.scope().cancel(why);
      String store = plan.storeOf(p.index());
      runPrefixes.add(store + "\n" + runPrefix());
      records.add(
          new CheckpointRecord(
              p.index(),
              stages.get(p.index()).type(),
              CheckpointRecord.ABANDONED,
              p.sessionId(),
              null,
              0,
              why));
    }
    pending.clear();
  }

  /** The run's key prefix under a store, as the worker forms it. */
  private String runPrefix() {
    return CheckpointLayout.runPrefix(pipeline);
  }

  private static String location(CheckpointSaved saved) {
    return saved.store() + saved.key();
  }

  private static String rootMessage(TemporalFailure e) {
    Throwable t = e;
    while (t.getCause() instanceof TemporalFailure cause) t = cause;
    return t instanceof TemporalFailure f ? f.getOriginalMessage() : t.getMessage();
  }
}
