package dev.locality.api.workflow;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * How a pipeline workflow reads and records its {@link PipelineState} (workflows cannot query other
 * workflows): activities on the session's worker that query and signal the name's {@link
 * PipelineStateWorkflow} through the worker's client. Both are idempotent.
 */
@ActivityInterface
public interface PipelineStateActivities {
  /** The last successful run's state for {@code pipelineName}, or null when none is kept. */
  @ActivityMethod(name = "locality.pipelineState.last")
  PipelineState last(String pipelineName);

  /** Records {@code state} as the last successful run's (signal-with-start). */
  @ActivityMethod(name = "locality.pipelineState.record")
  void record(PipelineState state);
}
