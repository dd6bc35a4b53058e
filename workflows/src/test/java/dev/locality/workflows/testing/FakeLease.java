package dev.locality.workflows.testing;

import dev.locality.api.session.SessionGrant;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of the worker-side lease: declines when the request names a stage type its worker
 * lacks ({@link FakeWorker#withoutStages}) or asks to avoid its worker, otherwise signals its grant
 * and heartbeats until the workflow cancels it (or its worker is killed).
 */
public final class FakeLease implements SessionLeaseActivity {
  private final WorkflowClient client;
  private final FakeWorker worker;
  private final List<SessionRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger declines = new AtomicInteger();
  private final Set<String> closedByWorkflow = ConcurrentHashMap.newKeySet();

  FakeLease(WorkflowClient client, FakeWorker worker) {
    this.client = client;
    this.worker = worker;
  }

  @Override
  public void hold(SessionRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    requests.add(request);
    if (worker.isDraining()) { // a draining worker takes no new sessions
      declines.incrementAndGet();
      throw ApplicationFailure.newFailure(
          "worker " + worker.workerId() + " is shutting down", "LeaseDeclined");
    }
    List<String> missing =
        request.requiredStageTypes().stream().filter(worker.missingStages()::contains).toList();
    if (!missing.isEmpty()) { // never accepts, whatever the avoid list
      declines.incrementAndGet();
      worker.pauseLeasePolling(1_500);
      throw ApplicationFailure.newFailure(
          "worker " + worker.workerId() + " has no stage " + missing,
          Failures.LEASE_UNSUPPORTED,
          worker.workerId(),
          missing);
    }
    if (request.avoidWorkers().contains(worker.workerId())) {
      declines.incrementAndGet();
      throw ApplicationFailure.newFailure(
          "worker " + worker.workerId() + " failed this pipeline before", "LeaseDeclined");
    }
    Integer verified = null;
    if (request.reattach() != null) {
      int intact = worker.reattachIntact();
      if (intact < 0) {
        declines.incrementAndGet();
        throw ApplicationFailure.newFailure(
            "worker " + worker.workerId() + " has no files of the session", "LeaseDeclined");
      }
      verified = Math.min(intact, request.reattach().completedStages().size());
    }
    ActivityInfo info = context.getInfo();
    client
        .newUntypedWorkflowStub(
            info.getWorkflowId(), Optional.of(info.getRunId()), Optional.empty())
        .signal(
            SessionGrant.SIGNAL,
            new SessionGrant(
                request.sessionId(),
                worker.workerId(),
                "host-" + worker.workerId(),
                worker.taskQueue(),
                verified));
    while (true) {
      if (worker.isDead()) {
        worker.hangWhileDead();
        throw new IllegalStateException("dead worker released at the end of the test");
      }
      if (worker.isDraining()) {
        throw ApplicationFailure.newNonRetryableFailure("draining", Failures.WORKER_SHUTDOWN);
      }
      try {
        context.heartbeat(null);
      } catch (ActivityCompletionException e) { // cancelled, or the workflow is already gone
        closedByWorkflow.add(request.sessionId());
        throw e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public List<SessionRequest> requests() {
    return List.copyOf(requests);
  }

  public int declines() {
    return declines.get();
  }

  /** Sessions whose lease learned from a heartbeat that the session was over. */
  public Set<String> closedByWorkflow() {
    return Set.copyOf(closedByWorkflow);
  }
}
