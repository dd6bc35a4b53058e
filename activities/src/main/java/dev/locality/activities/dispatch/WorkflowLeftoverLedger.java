package dev.locality.activities.dispatch;

import dev.locality.api.workflow.LeftoverChange;
import dev.locality.stage.Leftovers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each stage's {@link Leftovers} in its pipeline's workflow: {@link Leftovers#record} and
 * {@link Leftovers#forget} send the {@value LeftoverChange#SIGNAL} signal, {@link
 * Leftovers#recorded} runs the {@value LeftoverChange#QUERY} query. The record thus survives the
 * worker: after a failover, the stage's attempt on the new worker reads what the lost one left.
 * Uses the worker's client, so payloads go through the worker's data converter (redaction,
 * encryption). Thread-safe.
 */
public final class WorkflowLeftoverLedger implements LeftoverLedger {
  private static final Logger log = LoggerFactory.getLogger(WorkflowLeftoverLedger.class);

  private final WorkflowClient client;

  public WorkflowLeftoverLedger(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public Leftovers of(String workflowId, int stage) {
    return new Leftovers() {
      @Override
      public void record(Leftover leftover) throws IOException {
        try {
          pipeline().signal(LeftoverChange.SIGNAL, new LeftoverChange(stage, leftover, true));
        } catch (RuntimeException e) {
          throw new IOException(
              "could not record " + leftover.kind() + " " + leftover.id() + " in the pipeline", e);
        }
      }

      @Override
      public void forget(Leftover leftover) {
        try {
          pipeline().signal(LeftoverChange.SIGNAL, new LeftoverChange(stage, leftover, false));
        } catch (RuntimeException e) {
          log.warn(
              "could not forget {} {} in pipeline {} (the next attempt will undo it again): {}",
              leftover.kind(),
              leftover.id(),
              workflowId,
              e.toString());
        }
      }

      @Override
      public List<Leftover> recorded(String kind) throws IOException {
        Leftover[] all;
        try {
          all = pipeline().query(LeftoverChange.QUERY, Leftover[].class, stage);
        } catch (RuntimeException e) {
          throw new IOException("could not read the leftovers of pipeline " + workflowId, e);
        }
        return List.of(all).stream().filter(l -> l.kind().equals(kind)).toList();
      }

      private WorkflowStub pipeline() {
        return client.newUntypedWorkflowStub(workflowId);
      }
    };
  }
}
