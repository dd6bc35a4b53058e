package dev.locality.api.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot run; carries every problem found, not just the first. */
public class InvalidSpecException extends RuntimeException {
  private final List<Problem> problems;

  public InvalidSpecException(String source, List<Problem> problems) {
    super(
        "invalid pipeline spec"
            + (source == null ? "" : " " + source)
            + " ("
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + "):\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
