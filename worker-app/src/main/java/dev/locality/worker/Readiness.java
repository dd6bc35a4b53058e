package dev.locality.worker;

import java.util.List;

/**
 * Whether a worker should be sent work now, and if not, why.
 *
 * @param problems one sentence per reason it is not ready; empty when ready
 */
public record Readiness(List<String> problems) {
  public Readiness {
    problems = List.copyOf(problems);
  }

  public boolean ready() {
    return problems.isEmpty();
  }
}
