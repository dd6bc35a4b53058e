package dev.locality.api.workflow;

import dev.locality.api.session.SessionGrant;
import dev.locality.api.spec.PipelineSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runs a pipeline: opens a worker session, runs every stage on that worker's unique queue, and
 * fails over to a new session (from the first stage) when the worker is lost. Started on the shared
 * task queue; the workflow id identifies the pipeline run.
 */
@WorkflowInterface
public interface PipelineWorkflow {
  /** Workflow type name, as seen in the Temporal UI and CLI. */
  String TYPE = "pipeline";

  /**
   * Workflow task timeout to start pipelines with (Temporal's default is 10 s). A workflow task
   * handed to a worker that is frozen or cut off the network (its polls still look open to the
   * server) is given to another worker after this long; it bounds how much such a worker delays a
   * failover. A pipeline's workflow tasks are small and take milliseconds.
   */
  java.time.Duration WORKFLOW_TASK_TIMEOUT = java.time.Duration.ofSeconds(3);

  @WorkflowMethod(name = TYPE)
  PipelineResult run(PipelineSpec spec);

  /** Sent by a worker's session lease once it holds a slot for this pipeline. */
  @SignalMethod(name = SessionGrant.SIGNAL)
  void sessionReady(SessionGrant grant);

  /** Live state: sessions tried and stage progress. Cheap; safe to poll. */
  @QueryMethod(name = "status")
  PipelineStatus status();
}
