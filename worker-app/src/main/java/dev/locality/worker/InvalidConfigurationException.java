package dev.locality.worker;

import java.util.List;

/**
 * The worker cannot start with this configuration. Carries every problem found, each a sentence
 * naming the setting, where its value came from and what would be right, so an operator fixes all
 * of them in one go.
 */
public final class InvalidConfigurationException extends RuntimeException {
  private final List<String> problems;

  public InvalidConfigurationException(List<String> problems) {
    super(describe(problems));
    if (problems.isEmpty()) throw new IllegalArgumentException("no problems");
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one sentence each, in the order found. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(List<String> problems) {
    StringBuilder b =
        new StringBuilder("invalid configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    problems.forEach(p -> b.append("\n  - ").append(p));
    return b.toString();
  }
}
