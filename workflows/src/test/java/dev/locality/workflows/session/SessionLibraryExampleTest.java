package dev.locality.workflows.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.workflows.testing.FakeWorker;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Async;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session library used directly by a workflow author, as the README shows it. */
class SessionLibraryExampleTest {

  @WorkflowInterface
  public interface CopyWorkflow {
    @WorkflowMethod
    String copy(String source);
  }

  @ActivityInterface
  public interface CopyActivities {
    String fetch(String source);

    String store(String localPath);
  }

  /** The README example: no sessionReady signal in the interface, typed activity stubs. */
  public static class CopyWorkflowImpl implements CopyWorkflow {
    @Override
    public String copy(String source) {
      WorkerSessions sessions = WorkerSessions.registerSignalHandler();
      FailoverPolicy policy =
          FailoverPolicy.of(
              3,
              Duration.ofMillis(300),
              SessionOptions.newBuilder()
                  .setHeartbeatTimeout(Duration.ofSeconds(2))
                  .setCreationTimeout(Duration.ofSeconds(10))
                  .build());
      Failover failover = new Failover(sessions, policy);
      String stored =
          failover.run(
              session -> {
                CopyActivities files =
                    session.newActivityStub(
                        CopyActivities.class,
                        ActivityOptions.newBuilder()
                            .setStartToCloseTimeout(Duration.ofMinutes(10))
                            .setHeartbeatTimeout(Duration.ofSeconds(30))
                            .setScheduleToStartTimeout(Duration.ofSeconds(30))
                            .build());
                String local = session.execute("fetch", () -> Async.function(files::fetch, source));
                return session.execute("store", () -> Async.function(files::store, local));
              });
      String failed =
          failover.failedAttempts().stream()
              .map(FailedAttempt::describe)
              .collect(Collectors.joining("; "));
      return stored + (failed.isEmpty() ? "" : " after " + failed);
    }
  }

  /** Fetches "to local disk"; optionally drains its worker while fetching. */
  static final class CopyActivitiesImpl implements CopyActivities {
    private final FakeWorker worker;
    private final Runnable onFetch;

    CopyActivitiesImpl(FakeWorker worker, Runnable onFetch) {
      this.worker = worker;
      this.onFetch = onFetch;
    }

    @Override
    public String fetch(String source) {
      onFetch.run();
      if (worker.isDraining()) {
        // a draining worker's stage keeps going until the workflow cancels it
        while (true) {
          try {
            Activity.getExecutionContext().heartbeat(null);
            Thread.sleep(50);
          } catch (ActivityCompletionException e) {
            throw e;
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return "/work/" + worker.workerId() + "/" + source;
    }

    @Override
    public String store(String localPath) {
      return "stored " + localPath;
    }
  }

  private TestWorkflowEnvironment testEnv;
  private final List<FakeWorker> fakes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    testEnv = TestWorkflowEnvironment.newInstance();
    testEnv
        .newWorker(FakeWorker.SHARED_QUEUE)
        .registerWorkflowImplementationTypes(CopyWorkflowImpl.class);
    testEnv.start();
  }

  @AfterEach
  void tearDown() {
    fakes.forEach(FakeWorker::close);
    testEnv.close();
  }

  private FakeWorker worker(String workerId, String suffix, Runnable onFetch) {
    FakeWorker fake = new FakeWorker(testEnv.getWorkflowClient(), workerId, suffix);
    fake.withActivities(new CopyActivitiesImpl(fake, onFetch));
    fakes.add(fake);
    return fake;
  }

  private CopyWorkflow newCopy() {
    return testEnv
        .getWorkflowClient()
        .newWorkflowStub(
            CopyWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(FakeWorker.SHARED_QUEUE).build());
  }

  @Test
  void runsEveryActivityOfTheBodyOnTheSessionWorker() {
    worker("w1", "0001", () -> {}).start();

    assertThat(newCopy().copy("a.csv")).isEqualTo("stored /work/w1/a.csv");
  }

  @Test
  void failsOverAtOnceWhenTheWorkerShutsDownDuringAnActivity() {
    FakeWorker w2 = worker("w2", "0002", () -> {});
    FakeWorker[] w1 = new FakeWorker[1];
    w1[0] =
        worker(
                "w1",
                "0001",
                () -> {
                  w1[0].drain();
                  w2.start();
                })
            .start();

    String result = newCopy().copy("a.csv");

    assertThat(result)
        .isEqualTo("stored /work/w2/a.csv after #1 worker w1: worker shut down (draining)");
  }
}
