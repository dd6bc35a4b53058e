package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker hands its work root and plugins directory to the stages ({@code
 * StageContext.workerOwnedPaths()}): a pipeline that uploads into either fails with bad input and
 * writes nothing there, with no allowed roots configured.
 */
class WorkerOwnedPathsTest {
  private static final String QUEUE = "locality-owned";
  private static final StageTimeouts TIMEOUTS =
      new StageTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

  @TempDir Path tmp;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() throws Exception {
    tmp = tmp.toRealPath();
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void uploadsIntoTheWorkRootOrThePluginsDirAreRefused() throws Exception {
    Path workRoot = tmp.resolve("work");
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path input = Files.writeString(tmp.resolve("in.csv"), "a,b\n1,2\n");
    WorkerConfig settings =
        WorkerConfig.newBuilder()
            .setSharedQueue(QUEUE)
            .setWorkerId("w-owned")
            .setWorkRoot(workRoot)
            .setPluginsDir(plugins)
            .setDrainTimeout(Duration.ofSeconds(1))
            .build();
    try (LocalityWorker worker = LocalityWorker.start(client, settings)) {
      for (Path target : List.of(workRoot.resolve("stolen/{file}"), plugins.resolve("{file}"))) {
        Throwable failure =
            catchThrowable(() -> newPipeline().run(SpecDocument.of(spec(input, target))));
        assertThat(messages(failure))
            .as("failure of an upload to %s", target)
            .contains("upload target " + target.getParent().resolve("in.csv"))
            .contains("a directory of the worker itself")
            .contains("always refused");
      }
      assertThat(workRoot.resolve("stolen")).doesNotExist();
      assertThat(plugins).isEmptyDirectory();
    }
  }

  private static PipelineSpec spec(Path input, Path target) {
    return new PipelineSpec(
        "owned",
        new SessionSpec(Duration.ofSeconds(3), Duration.ofSeconds(30), 1, Duration.ofMillis(200)),
        List.of(
            new StageSpec("download", Map.of("url", input.toUri().toString()), TIMEOUTS, 1),
            new StageSpec("upload", Map.of("to", "file://" + target), TIMEOUTS, 1)));
  }

  private PipelineWorkflow newPipeline() {
    return client.newWorkflowStub(
        PipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE)
            .setWorkflowId("pipeline-" + UUID.randomUUID())
            .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
            .build());
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) all.append(c.getMessage()).append('\n');
    return all.toString();
  }
}
