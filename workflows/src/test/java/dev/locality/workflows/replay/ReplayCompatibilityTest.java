package dev.locality.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
  /** Every committed history: each generation's shapes (older generations may lack some). */
  static Stream<String> histories() {
    return HistoryShapes.GENERATIONS.stream()
        .flatMap(g -> HistoryShapes.ALL.stream().map(shape -> g + "/" + shape))
        .filter(
            h -> ReplayCompatibilityTest.class.getClassLoader().getResource(resource(h)) != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysTheRecordedHistory(String history) throws Exception {
    WorkflowExecutionHistory recorded = WorkflowExecutionHistory.fromJson(read(history));
    assertThat(recorded.getEvents()).hasSizeGreaterThan(3);

    WorkflowReplayer.replayWorkflowExecution(recorded, PipelineWorkflowImpl.class);
  }

  @Test
  void theNewestGenerationHasEveryShape() {
    List<String> generations = HistoryShapes.GENERATIONS;
    String newest = generations.get(generations.size() - 1);
    for (String shape : HistoryShapes.ALL) {
      assertThat(getClass().getClassLoader().getResource(resource(newest + "/" + shape)))
          .as("history %s/%s (record it with HistoryRecorderTest)", newest, shape)
          .isNotNull();
    }
  }

  /** {@code generation/shape} → its resource path. */
  static String resource(String history) {
    return HistoryShapes.DIRECTORY + "/" + history + ".json";
  }

  private static String read(String shape) throws IOException {
    try (InputStream in =
        ReplayCompatibilityTest.class.getClassLoader().getResourceAsStream(resource(shape))) {
      assertThat(in).as("history %s", shape).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
