package dev.locality.workflows;

import dev.locality.api.workflow.PipelineState;
import dev.locality.api.workflow.PipelineStateWorkflow;
import io.temporal.workflow.Workflow;

/**
 * Keeps the last successful run's {@link PipelineState} of one pipeline name (see {@link
 * PipelineStateWorkflow}). Waits for signals forever; after {@value #SIGNALS_PER_RUN} recordings it
 * continues as new with the latest state, so its history stays short. A recording older than the
 * one held (by workflow time) is ignored, so two runs that finish out of order keep the newer.
 */
public class PipelineStateWorkflowImpl implements PipelineStateWorkflow {
  static final int SIGNALS_PER_RUN = 200;

  private PipelineState state;
  private int recorded;

  @Override
  public void run(PipelineState initial) {
    if (initial != null) state = initial;
    Workflow.await(() -> recorded >= SIGNALS_PER_RUN);
    Workflow.continueAsNew(state);
  }

  @Override
  public void recordSuccess(PipelineState next) {
    recorded++;
    if (next == null) return;
    if (state == null || next.recordedAtMillis() >= state.recordedAtMillis()) state = next;
  }

  @Override
  public PipelineState last() {
    return state;
  }
}
