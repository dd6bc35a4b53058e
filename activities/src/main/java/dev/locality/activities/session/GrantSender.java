package dev.locality.activities.session;

import dev.locality.api.session.SessionGrant;
import io.temporal.client.WorkflowClient;
import java.util.Optional;

/** Delivers a {@link SessionGrant} signal to the pipeline that requested the session. */
@FunctionalInterface
public interface GrantSender {
  /**
   * Signals the grant to one workflow run.
   *
   * @throws RuntimeException when the signal cannot be delivered (the workflow is gone)
   */
  void send(String workflowId, String runId, SessionGrant grant);

  /** Signals through a workflow client with an untyped stub pinned to the run. */
  static GrantSender using(WorkflowClient client) {
    return (workflowId, runId, grant) ->
        client
            .newUntypedWorkflowStub(workflowId, Optional.of(runId), Optional.empty())
            .signal(SessionGrant.SIGNAL, grant);
  }
}
