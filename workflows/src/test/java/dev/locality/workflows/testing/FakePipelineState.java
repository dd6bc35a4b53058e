package dev.locality.workflows.testing;

import dev.locality.api.workflow.PipelineState;
import dev.locality.api.workflow.PipelineStateActivities;
import dev.locality.api.workflow.PipelineStateWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;

/**
 * {@link PipelineStateActivities} as the worker's implementation does it (query, signal-with-start
 * of the name's state workflow on the shared queue), for fake workers; counts its calls.
 */
public final class FakePipelineState implements PipelineStateActivities {
  private final WorkflowClient client;
  public volatile int reads;
  public volatile int records;

  public FakePipelineState(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public PipelineState last(String pipelineName) {
    reads++;
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
    records++;
    client
        .newUntypedWorkflowStub(
            PipelineStateWorkflow.class.getSimpleName(),
            WorkflowOptions.newBuilder()
                .setWorkflowId(PipelineStateWorkflow.workflowId(state.pipelineName()))
                .setTaskQueue(FakeWorker.SHARED_QUEUE)
                .build())
        .signalWithStart("recordSuccess", new Object[] {state}, new Object[] {null});
  }
}
