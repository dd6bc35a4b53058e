package dev.locality.workflows.testing;

import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.workflows.PipelineStateWorkflowImpl;
import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporal's test environment running the pipeline workflow on the shared queue (registered as the
 * worker registers it), and the {@link FakeWorker}s a test adds; {@link #close()} stops them all.
 */
public final class FakeFleet implements AutoCloseable {
  private final TestWorkflowEnvironment env;
  private final List<FakeWorker> workers = new ArrayList<>();

  private final FakeLocalityHints hints;

  private FakeFleet(TestWorkflowEnvironment env, FakeLocalityHints hints) {
    this.env = env;
    this.hints = hints;
  }

  /** What the workflows learn about which worker holds a cached URL. */
  public FakeLocalityHints hints() {
    return hints;
  }

  /** With Temporal's default options (time skipping on). */
  public static FakeFleet start() {
    return start(TestEnvironmentOptions.getDefaultInstance());
  }

  public static FakeFleet start(TestEnvironmentOptions options) {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options);
    FakeLocalityHints hints = new FakeLocalityHints();
    // local activities only, as on a real worker: an activity poller would take session leases
    Worker workflows =
        env.newWorker(
            FakeWorker.SHARED_QUEUE,
            io.temporal.worker.WorkerOptions.newBuilder().setLocalActivityWorkerOnly(true).build());
    workflows.registerActivitiesImplementations(hints);
    workflows.registerWorkflowImplementationFactory(
        PipelineWorkflow.class,
        () -> new PipelineWorkflowImpl(),
        PipelineWorkflowImpl.implementationOptions());
    workflows.registerWorkflowImplementationTypes(PipelineStateWorkflowImpl.class);
    env.start();
    return new FakeFleet(env, hints);
  }

  public WorkflowClient client() {
    return env.getWorkflowClient();
  }

  /** A new fake worker (not started), closed with the fleet. */
  public FakeWorker worker(String workerId, String suffix) {
    FakeWorker fake = new FakeWorker(client(), workerId, suffix);
    workers.add(fake);
    return fake;
  }

  /** A new fake worker (not started) of resource pool {@code pool}, closed with the fleet. */
  public FakeWorker worker(String workerId, String suffix, String pool) {
    FakeWorker fake = new FakeWorker(client(), workerId, suffix, pool);
    workers.add(fake);
    return fake;
  }

  /** A stub of a new pipeline run on the shared queue. */
  public PipelineWorkflow newPipeline(String workflowId, Duration executionTimeout) {
    return client()
        .newWorkflowStub(
            PipelineWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(FakeWorker.SHARED_QUEUE)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(executionTimeout)
                .build());
  }

  @Override
  public void close() {
    workers.forEach(FakeWorker::close);
    env.close();
  }
}
