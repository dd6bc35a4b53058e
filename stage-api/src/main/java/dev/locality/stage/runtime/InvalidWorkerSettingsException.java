package dev.locality.stage.runtime;

import java.util.List;

/** Worker settings that a worker cannot start with; the message lists every problem. */
public final class InvalidWorkerSettingsException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidWorkerSettingsException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One sentence per problem. */
  public List<String> problems() {
    return problems;
  }
}
