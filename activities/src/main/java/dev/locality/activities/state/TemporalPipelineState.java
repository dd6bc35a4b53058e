package dev.locality.activities.state;

import dev.locality.api.workflow.PipelineState;
import dev.locality.api.workflow.PipelineStateActivities;
import dev.locality.api.workflow.PipelineStateWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;

/**
 * {@link PipelineStateActivities} through the worker's Temporal client: {@link #last} queries the
 * pipeline name's {@link PipelineStateWorkflow} (none running or kept: null), {@link #record}
 * signals it, starting it on the shared queue when it does not run (signal-with-start, so two runs
 * recording at once never start two). Both are idempotent and safe to retry. Thread-safe.
 */
public final class TemporalPipelineState implements PipelineStateActivities {
  private final WorkflowClient client;
  private final String sharedQueue;

  /**
   * @param sharedQueue the task queue the state workflows run on (the workers' shared queue)
   */
  public TemporalPipelineState(WorkflowClient client, String sharedQueue) {
    this.client = client;
    this.sharedQueue = sharedQueue;
  }

  @Override
  public PipelineState last(String pipelineName) {
    try {
      return client
          .newWorkflowStub(
              PipelineStateWorkflow.class, PipelineStateWorkflow.workflowId(pipelineName))
          .last();
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }

  @Override
  public void record(PipelineState state) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            PipelineStateWorkflow.class.getSimpleName(),
            WorkflowOptions.newBuilder()
                .setWorkflowId(PipelineStateWorkflow.workflowId(state.pipelineName()))
                .setTaskQueue(sharedQueue)
                .build());
    stub.signalWithStart("recordSuccess", new Object[] {state}, new Object[] {null});
  }
}
