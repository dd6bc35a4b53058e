package dev.locality.api.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The state store of incremental runs: one long-lived workflow per pipeline name, id {@link
 * #workflowId}, holding the {@link PipelineState} of that name's last successful run. It is started
 * (signal-with-start) by the first successful run of a pipeline with {@code ifChanged: true},
 * answers {@link #last} while it runs, and continues as new now and then so its history stays
 * short. Deleting it forgets the state (a terminated run still answers {@link #last} until the
 * namespace's retention removes it): the next run of that name downloads again.
 */
@WorkflowInterface
public interface PipelineStateWorkflow {
  /** Workflow ids are this prefix plus the pipeline name. */
  String ID_PREFIX = "locality-state:";

  static String workflowId(String pipelineName) {
    return ID_PREFIX + pipelineName;
  }

  /** Holds {@code state} (null: none yet) and every later one recorded, until terminated. */
  @WorkflowMethod
  void run(PipelineState state);

  /** Records the state of a run that completed successfully. */
  @SignalMethod
  void recordSuccess(PipelineState state);

  /** The last recorded state, or null. */
  @QueryMethod
  PipelineState last();
}
