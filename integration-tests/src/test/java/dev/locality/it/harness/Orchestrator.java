package dev.locality.it.harness;

import dev.locality.api.session.TaskQueues;
import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline workflows run in the test JVM, on the shared queue beside the workers, as on a dedicated
 * orchestration node: pipelines keep deciding (fail over, fail with every attempt listed) while
 * every worker process is dead. Without one, a pipeline whose workers all died waits durably until
 * a worker comes back. Sticky execution is off, as in the worker. Close it to stop polling.
 */
public final class Orchestrator implements AutoCloseable {
  private final WorkerFactory factory;

  private Orchestrator(WorkerFactory factory) {
    this.factory = factory;
  }

  public static Orchestrator start(WorkflowClient client) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory
        .newWorker(
            TaskQueues.DEFAULT_SHARED,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build())
        .registerWorkflowImplementationTypes(PipelineWorkflowImpl.class);
    factory.start();
    return new Orchestrator(factory);
  }

  @Override
  public void close() {
    factory.shutdownNow();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
