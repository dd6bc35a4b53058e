package dev.locality.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.session.SessionGrant;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.LeftoverChange;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.Leftovers.Leftover;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.StageResult;
import dev.locality.workflows.checkpoint.Checkpoints;
import dev.locality.workflows.internal.IncrementalRuns;
import dev.locality.workflows.internal.StageActivityOptions;
import dev.locality.workflows.internal.StageLeftovers;
import dev.locality.workflows.internal.StageProgress;
import dev.locality.workflows.session.Failover;
import dev.locality.workflows.session.FailoverPolicy;
import dev.locality.workflows.session.LocalityPreference;
import dev.locality.workflows.session.WorkerSession;
import dev.locality.workflows.session.WorkerSessions;
import dev.locality.workflows.spec.WorkflowSpecReader;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.WorkflowImplementationOptions;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Interprets a {@link PipelineSpec}: opens a worker session, runs every stage in order on that
 * worker's unique queue (each stage's outputs are the next one's inputs), and fails over to a new
 * session from the first stage when the worker is lost. See {@link Failover} for which failures
 * fail over and which fail the pipeline at once.
 *
 * <p>The input is the spec document from any client; it is validated first ({@link
 * WorkflowSpecReader}) and an invalid one fails the run with {@link Failures#INVALID_SPEC}. No
 * exception escapes the workflow method: one that is not already a Temporal failure (a bug) fails
 * the run with {@link Failures#WORKFLOW_ERROR} and its message, instead of failing workflow tasks
 * in a loop that Temporal would retry forever.
 */
public class PipelineWorkflowImpl implements PipelineWorkflow {
  private static final Logger log = Workflow.getLogger(PipelineWorkflowImpl.class);

  private final WorkflowSpecReader specReader;
  private final WorkerSessions sessions = new WorkerSessions();
  private Failover failover;
  private StageProgress progress = new StageProgress();
  private final StageLeftovers leftovers = new StageLeftovers();
  private IncrementalRuns incremental;
  private Checkpoints checkpoints;
  private boolean skippedUnchanged;

  /**
   * Results of the stages completed in the current session, stage 0 first: what a re-attached
   * worker is asked to verify after the session was lost (same-host resume).
   */
  private List<StageResult> sessionResults = new ArrayList<>();

  /**
   * Options to register this implementation with. An input that cannot even be decoded (not JSON: a
   * binary payload from another SDK) is rejected by the SDK before the workflow method runs; with
   * these options that fails the run instead of failing its workflow task in a loop.
   */
  public static WorkflowImplementationOptions implementationOptions() {
    return WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class)
        .build();
  }

  /**
   * Checks the spec's structure only; stage types and options are checked by the worker that runs
   * each stage. For hosts without the stages (tests with fake stages).
   */
  public PipelineWorkflowImpl() {
    this(SpecParser.structureOnly());
  }

  /**
   * @param parser the CLI's validator, with the stages of this worker (built-ins and plugins)
   */
  public PipelineWorkflowImpl(SpecParser parser) {
    this.specReader = new WorkflowSpecReader(parser);
  }

  @Override
  public PipelineResult run(JsonNode document) {
    try {
      return run(specReader.read(document));
    } catch (TemporalFailure | NonDeterministicException e) {
      throw e; // a failure the SDK reports as it is; nondeterminism blocks the run until a fix
    } catch (RuntimeException e) {
      if (e.getClass().getName().endsWith(".PotentialDeadlockException")) throw e;
      log.error("pipeline workflow failed on a bug", e);
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "pipeline workflow error: " + e, Failures.WORKFLOW_ERROR, e);
    }
  }

  private PipelineResult run(PipelineSpec spec) {
    WorkflowInfo info = Workflow.getInfo();
    PipelineInfo pipeline = new PipelineInfo(spec.name(), info.getWorkflowId(), info.getRunId());
    failover =
        new Failover(sessions, FailoverPolicy.forPipeline(spec), () -> List.copyOf(sessionResults))
            .preferLocality(LocalityPreference.of(spec));
    incremental = IncrementalRuns.of(spec);
    checkpoints = Checkpoints.start(spec, pipeline);
    WorkerSession session = failover.run(s -> runStages(spec, pipeline, s));
    if (skippedUnchanged) {
      log.info(
          "pipeline {} skipped: its sources are unchanged since its last successful run",
          spec.name());
    } else {
      log.info("pipeline {} completed on worker {}", spec.name(), session.workerId());
    }
    return new PipelineResult(
        spec.name(),
        session.workerId(),
        session.taskQueue(),
        progress.runs(),
        sessions.records(),
        progress.outputUris(),
        skippedUnchanged ? PipelineResult.SKIPPED_UNCHANGED : PipelineResult.COMPLETED,
        checkpoints.records());
  }

  /**
   * Runs every stage in {@code session}; returns the session they all ran in. A session re-attached
   * after its worker restarted ({@link WorkerSession#isReattached()}) skips the leading stages
   * whose outputs the worker found intact: their results (and runs, as the lost session recorded
   * them) are kept, and the first stage after them gets the last one's outputs as its inputs. A new
   * session after a failover to another worker first restores the newest usable stage checkpoint
   * ({@link Checkpoints#restoreInto}) and continues after its stage in the same way.
   */
  private WorkerSession runStages(PipelineSpec spec, PipelineInfo pipeline, WorkerSession session) {
    List<StageSpec> stages = spec.stages();
    List<StageRun> earlierRuns = progress.runs();
    Checkpoints.Restored restored =
        session.isReattached() ? null : checkpoints.restoreInto(session);
    if (restored != null) {
      sessionResults = new ArrayList<>(restored.results());
      earlierRuns = restored.runs();
    }
    int resumeFrom =
        session.isReattached()
            ? Math.min(
                Math.min(session.verifiedStages(), sessionResults.size()),
                Math.min(stages.size(), earlierRuns.size()))
            : restored != null ? restored.nextStage() : 0;
    sessionResults = new ArrayList<>(sessionResults.subList(0, resumeFrom));
    progress = new StageProgress(stages, session);
    List<Artifact> inputs = List.of();
    ArtifactManifest inputsManifest = null;
    skippedUnchanged = false;
    incremental.start(session);
    for (int i = 0; i < resumeFrom; i++) {
      progress.resumed(i, earlierRuns.get(i));
      StageResult kept = sessionResults.get(i);
      incremental.unchanged(i, stages.get(i), kept.sourceVersion(), kept.outputCount()); // notes it
      inputs = kept.outputs();
      inputsManifest = kept.manifest();
    }
    if (resumeFrom > 0) {
      log.info(
          "session {} resumes at stage {}{}",
          session.sessionId(),
          resumeFrom,
          restored != null ? " from a checkpoint" : "");
    }
    for (int i = resumeFrom; i < stages.size(); i++) {
      StageSpec stage = incremental.prepare(i, stages.get(i));
      ActivityStub stub = session.newUntypedActivityStub(StageActivityOptions.of(stage));
      StageInvocation invocation =
          new StageInvocation(pipeline, session.sessionId(), i, stage, inputs, inputsManifest);
      progress.started(i);
      StageResult result;
      try {
        result =
            session.execute(
                "stage " + i + " (" + stage.type() + ")",
                () -> stub.executeAsync(stage.type(), StageResult.class, invocation));
      } catch (RuntimeException e) {
        progress.ended(i, e, session.isLost());
        throw e;
      }
      progress.completed(i, result);
      sessionResults.add(result);
      if (incremental.unchanged(i, stage, result.sourceVersion(), result.outputCount())) {
        skippedUnchanged = true;
        progress.skipRemaining(i + 1);
        checkpoints.finish(session);
        return session;
      }
      checkpoints.afterStage(i, session, result, sessionResults, progress.runs().subList(0, i + 1));
      inputs = result.outputs();
      inputsManifest = result.manifest();
    }
    incremental.recordSuccess(session);
    checkpoints.finish(session);
    return session;
  }

  @Override
  public void sessionReady(SessionGrant grant) {
    sessions.onGrant(grant);
  }

  @Override
  public void leftover(LeftoverChange change) {
    leftovers.apply(change);
  }

  @Override
  public List<Leftover> leftovers(int stage) {
    return leftovers.of(stage);
  }

  @Override
  public PipelineStatus status() {
    String state =
        failover == null ? Failover.Phase.WAITING_FOR_WORKER.name() : failover.phase().name();
    if (skippedUnchanged && Failover.Phase.COMPLETED.name().equals(state)) {
      state = PipelineResult.SKIPPED_UNCHANGED;
    }
    return new PipelineStatus(state, sessions.records(), progress.runs());
  }
}
