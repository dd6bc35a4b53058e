package dev.locality.workflows;

import dev.locality.api.session.SessionGrant;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.PipelineInfo;
import dev.locality.api.stage.StageResult;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.workflows.internal.StageActivityOptions;
import dev.locality.workflows.internal.StageProgress;
import dev.locality.workflows.session.Failover;
import dev.locality.workflows.session.FailoverPolicy;
import dev.locality.workflows.session.WorkerSession;
import dev.locality.workflows.session.WorkerSessions;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.List;
import org.slf4j.Logger;

/**
 * Interprets a {@link PipelineSpec}: opens a worker session, runs every stage in order on that
 * worker's unique queue (each stage's outputs are the next one's inputs), and fails over to a new
 * session from the first stage when the worker is lost. See {@link Failover} for which failures
 * fail over and which fail the pipeline at once.
 */
public class PipelineWorkflowImpl implements PipelineWorkflow {
  private static final Logger log = Workflow.getLogger(PipelineWorkflowImpl.class);

  private final WorkerSessions sessions = new WorkerSessions();
  private Failover failover;
  private StageProgress progress = new StageProgress();

  @Override
  public PipelineResult run(PipelineSpec spec) {
    WorkflowInfo info = Workflow.getInfo();
    PipelineInfo pipeline = new PipelineInfo(spec.name(), info.getWorkflowId(), info.getRunId());
    failover = new Failover(sessions, FailoverPolicy.from(spec.session()));
    WorkerSession session = failover.run(s -> runStages(spec, pipeline, s));
    log.info("pipeline {} completed on worker {}", spec.name(), session.workerId());
    return new PipelineResult(
        spec.name(),
        session.workerId(),
        session.taskQueue(),
        progress.runs(),
        sessions.records(),
        progress.outputUris());
  }

  /** Runs every stage in {@code session}; returns the session they all ran in. */
  private WorkerSession runStages(PipelineSpec spec, PipelineInfo pipeline, WorkerSession session) {
    List<StageSpec> stages = spec.stages();
    progress = new StageProgress(stages, session);
    List<Artifact> inputs = List.of();
    for (int i = 0; i < stages.size(); i++) {
      StageSpec stage = stages.get(i);
      ActivityStub stub = session.newUntypedActivityStub(StageActivityOptions.of(stage));
      StageInvocation invocation =
          new StageInvocation(pipeline, session.sessionId(), i, stage, inputs);
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
      inputs = result.outputs();
    }
    return session;
  }

  @Override
  public void sessionReady(SessionGrant grant) {
    sessions.onGrant(grant);
  }

  @Override
  public PipelineStatus status() {
    String state =
        failover == null ? Failover.Phase.WAITING_FOR_WORKER.name() : failover.phase().name();
    return new PipelineStatus(state, sessions.records(), progress.runs());
  }
}
