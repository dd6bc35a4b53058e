package dev.locality.workflows.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Small pipeline specs with timeouts short enough for tests that run in real time. */
public final class Specs {
  /** Lease heartbeat 2s, workers within 10s, 3 sessions, 300ms between them. */
  public static final SessionSpec FAST_SESSION =
      new SessionSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofMillis(300));

  private static final StageTimeouts STAGE_TIMEOUTS =
      new StageTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(20));

  private Specs() {}

  /** The spec document (the workflow's input) of a pipeline named {@code test-pipeline}. */
  public static JsonNode pipeline(SessionSpec session, StageSpec... stages) {
    return SpecDocument.of(new PipelineSpec("test-pipeline", session, List.of(stages)));
  }

  public static JsonNode pipeline(StageSpec... stages) {
    return pipeline(FAST_SESSION, stages);
  }

  public static StageSpec stage(String type, Map<String, Object> options) {
    return new StageSpec(type, options, STAGE_TIMEOUTS, 2);
  }

  public static StageSpec stage(String type) {
    return stage(type, Map.of());
  }
}
