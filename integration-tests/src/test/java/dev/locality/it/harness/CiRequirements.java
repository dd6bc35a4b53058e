package dev.locality.it.harness;

import org.junit.jupiter.api.Assumptions;

/**
 * What a CI run ({@code CI=true}) may not skip. Locally a test whose tooling is missing (no
 * container engine, no Node.js) is skipped with a reason; in CI the same condition fails the test,
 * so the suite can never silently shrink.
 */
public final class CiRequirements {
  private CiRequirements() {}

  /** Whether this is a CI run. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Skips the test (locally) or fails it (in CI) unless {@code condition} holds.
   *
   * @param why what is missing and how to get it
   */
  public static void require(boolean condition, String why) {
    if (condition) return;
    if (isCi()) throw new AssertionError("required in CI (CI=true), not skipped: " + why);
    Assumptions.assumeTrue(false, why);
  }
}
