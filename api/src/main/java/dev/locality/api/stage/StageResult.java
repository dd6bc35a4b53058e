package dev.locality.api.stage;

import java.util.List;

/**
 * What a stage hands on: its output artifacts (the next stage's input), its metrics, and any
 * externally visible URIs it wrote (uploads).
 */
public record StageResult(List<Artifact> outputs, StageMetrics metrics, List<String> outputUris) {
  public StageResult {
    outputs = List.copyOf(outputs);
    outputUris = outputUris == null ? List.of() : List.copyOf(outputUris);
  }

  public static StageResult of(List<Artifact> outputs, StageMetrics metrics) {
    return new StageResult(outputs, metrics, List.of());
  }
}
