package dev.locality.cli.workers;

import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerRegistryWorkflow;
import dev.locality.cli.inspect.DaemonThreads;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the worker registry of a shared queue ({@link WorkerRegistryWorkflow}) with its {@code
 * workers} query. The query is answered by a live worker (any worker polling the shared queue), so
 * it is bounded by a timeout. Thread-safe.
 */
public final class WorkerRegistryReader {
  /** No worker answered the query in time: none polls the shared queue (or none can reach it). */
  public static final class NoAnswerException extends RuntimeException {
    NoAnswerException(String message) {
      super(message);
    }
  }

  private final WorkflowClient client;
  private final Duration timeout;

  public WorkerRegistryReader(WorkflowClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /**
   * The registry's listing; an empty one (as of now) when no worker ever reported on the queue.
   *
   * @throws NoAnswerException when no worker answered within the timeout
   */
  public WorkerListing read(String sharedQueue) {
    WorkerRegistryWorkflow registry =
        client.newWorkflowStub(
            WorkerRegistryWorkflow.class, WorkerRegistryWorkflow.workflowId(sharedQueue));
    CompletableFuture<WorkerListing> answer =
        CompletableFuture.supplyAsync(registry::workers, DaemonThreads.EXECUTOR);
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NoAnswerException("interrupted while asking the worker registry");
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw noAnswer(sharedQueue);
    } catch (ExecutionException e) {
      if (notFound(e.getCause()))
        return new WorkerListing(
            System.currentTimeMillis(), WorkerRegistryWorkflow.GONE_AFTER.toMillis(), List.of());
      if (e.getCause() instanceof RuntimeException runtime) throw runtime;
      throw new IllegalStateException(e.getCause());
    }
  }

  private NoAnswerException noAnswer(String sharedQueue) {
    return new NoAnswerException(
        "no worker answered within "
            + timeout.toSeconds()
            + "s: no worker is running on queue "
            + sharedQueue
            + " (the worker list is kept and answered by the workers themselves)");
  }

  private static boolean notFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof WorkflowNotFoundException) return true;
      if (t instanceof StatusRuntimeException grpc
          && grpc.getStatus().getCode() == Status.Code.NOT_FOUND) return true;
    }
    return false;
  }
}
