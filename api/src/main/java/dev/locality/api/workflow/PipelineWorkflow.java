package dev.locality.api.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.session.SessionGrant;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runs a pipeline: opens a worker session, runs every stage on that worker's unique queue, and
 * fails over to a new session (from the first stage) when the worker is lost. Started on the shared
 * task queue; the workflow id identifies the pipeline run.
 *
 * <p><b>The cross-language contract.</b> Workflow type {@value #TYPE}, task queue {@code locality}
 * (the workers' shared queue), one argument: the spec document exactly as the README writes it, as
 * JSON ({@code {"name": "daily", "stages": [{"type": "download", "url": "https://..."}]}}; every
 * default may be left out, durations are {@code "10s"} or ISO-8601). Any Temporal SDK can start it.
 * The workflow validates the document with the CLI's validator and, when anything is wrong, fails
 * at once with an {@code ApplicationFailure} of type {@code InvalidSpec} listing every problem; it
 * never leaves a workflow task failing in a loop. The result is a {@link PipelineResult} as JSON;
 * the {@code status} query answers a {@link PipelineStatus}. Java callers build the document from a
 * {@link dev.locality.api.spec.PipelineSpec} with {@link dev.locality.api.spec.SpecDocument#of}.
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

  /**
   * @param spec the pipeline spec document (see the class comment); any JSON value is accepted and
   *     judged by the workflow, so a malformed one fails the run with {@code InvalidSpec}
   */
  @WorkflowMethod(name = TYPE)
  PipelineResult run(JsonNode spec);

  /** Sent by a worker's session lease once it holds a slot for this pipeline. */
  @SignalMethod(name = SessionGrant.SIGNAL)
  void sessionReady(SessionGrant grant);

  /**
   * Sent by a stage attempt when it records or forgets a leftover (see {@link
   * dev.locality.stage.Leftovers}); the workflow keeps the set so that a later attempt of the stage
   * on any worker can undo what an earlier one left.
   */
  @SignalMethod(name = LeftoverChange.SIGNAL)
  void leftover(LeftoverChange change);

  /** The leftovers recorded for stage {@code stage} and not forgotten, oldest first. */
  @QueryMethod(name = LeftoverChange.QUERY)
  java.util.List<dev.locality.stage.Leftovers.Leftover> leftovers(int stage);

  /** Live state: sessions tried and stage progress. Cheap; safe to poll. */
  @QueryMethod(name = "status")
  PipelineStatus status();
}
