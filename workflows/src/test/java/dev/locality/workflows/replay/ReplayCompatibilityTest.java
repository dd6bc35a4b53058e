package dev.locality.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rolling-deploy safety: the committed histories of every pipeline shape ({@link HistoryShapes})
 * replay against the current {@link PipelineWorkflowImpl}. A change to the workflow's command
 * sequence that would break pipelines in flight fails here; guard such a change with {@code
 * Workflow.getVersion} (README, "Contributing"), then record the new shape with {@link
 * HistoryRecorderTest} and commit it beside the old ones.
 */
class ReplayCompatibilityTest {
  static Stream<String> shapes() {
    return HistoryShapes.ALL.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void replaysTheRecordedHistory(String shape) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read(shape));
    assertThat(history.getEvents()).hasSizeGreaterThan(3);

    WorkflowReplayer.replayWorkflowExecution(history, PipelineWorkflowImpl.class);
  }

  @Test
  void everyShapeHasARecordedHistory() {
    for (String shape : HistoryShapes.ALL) {
      assertThat(getClass().getClassLoader().getResource(resource(shape)))
          .as("history of shape %s (record it with HistoryRecorderTest)", shape)
          .isNotNull();
    }
  }

  static String resource(String shape) {
    return HistoryShapes.DIRECTORY + "/" + shape + ".json";
  }

  private static String read(String shape) throws IOException {
    try (InputStream in =
        ReplayCompatibilityTest.class.getClassLoader().getResourceAsStream(resource(shape))) {
      assertThat(in).as("history %s", shape).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
