package dev.locality.worker;

import dev.locality.activities.session.Drain;
import dev.locality.activities.session.MdcScope;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.ByteSizes;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session lease as the worker registers it: declines while the work root's disk is below its
 * minimum (retryable {@link Failures#LEASE_DECLINED}, so the workflow asks again and another worker
 * takes it), otherwise runs the real lease and counts how each one ended for {@link WorkerMetrics}.
 * Thread-safe.
 */
final class MeteredLease implements SessionLeaseActivity {
  private static final Logger log = LoggerFactory.getLogger(MeteredLease.class);

  private final SessionLeaseActivity lease;
  private final String workerId;
  private final Drain drain;
  private final DiskGuard disk;
  private final WorkerMetrics metrics;

  MeteredLease(
      SessionLeaseActivity lease,
      String workerId,
      Drain drain,
      DiskGuard disk,
      WorkerMetrics metrics) {
    this.lease = lease;
    this.workerId = workerId;
    this.drain = drain;
    this.disk = disk;
    this.metrics = metrics;
  }

  @Override
  public void hold(SessionRequest request) {
    if (disk.checkNow()) {
      metrics.leaseDeclined("low_disk");
      try (MdcScope ignored =
          MdcScope.of(
              Activity.getExecutionContext().getInfo().getWorkflowId(),
              request.sessionId(),
              workerId)) {
        log.info("declining session {}: free disk is below the minimum", request.sessionId());
      }
      throw ApplicationFailure.newFailure(
          "worker "
              + workerId
              + " declined: free disk "
              + ByteSizes.format(disk.lastFreeBytes())
              + " is below its minimum "
              + ByteSizes.format(disk.minFreeBytes()),
          Failures.LEASE_DECLINED);
    }
    String declineReason =
        request.avoidWorkers() != null && request.avoidWorkers().contains(workerId)
            ? "avoided"
            : "draining";
    try {
      lease.hold(request);
      metrics.sessionEnded("closed");
    } catch (ApplicationFailure e) {
      if (Failures.LEASE_DECLINED.equals(e.getType())) metrics.leaseDeclined(declineReason);
      else if (Failures.WORKER_SHUTDOWN.equals(e.getType()))
        metrics.sessionEnded("worker_shutdown");
      else metrics.sessionEnded("error");
      throw e;
    } catch (ActivityCanceledException e) {
      metrics.sessionEnded("closed");
      throw e;
    } catch (ActivityWorkerShutdownException e) {
      metrics.sessionEnded(drain.isDraining() ? "worker_shutdown" : "lost");
      throw e;
    } catch (ActivityCompletionException e) {
      metrics.sessionEnded("lost");
      throw e;
    } catch (RuntimeException e) {
      metrics.sessionEnded("error");
      throw e;
    }
  }
}
