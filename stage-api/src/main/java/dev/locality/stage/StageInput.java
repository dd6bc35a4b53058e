package dev.locality.stage;

import java.util.List;

/**
 * What a stage runs on: the previous stage's output artifacts (empty for the first stage) and its
 * validated options.
 */
public record StageInput(List<Artifact> artifacts, StageConfig config) {
  public StageInput {
    artifacts = List.copyOf(artifacts);
  }
}
