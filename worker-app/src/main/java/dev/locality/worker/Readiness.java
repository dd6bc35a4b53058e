package dev.locality.worker;

import java.util.List;

/**
 * Whether a worker should be sent work now, and if not, why: one {@link Reason} per cause. The HTTP
 * endpoint shows only the codes (anyone who can reach the port may read them); the details (which
 * may name the Temporal address or a server error) go to the worker's log.
 *
 * @param reasons why the worker is not ready; empty when ready
 */
public record Readiness(List<Reason> reasons) {
  /**
   * One cause of not being ready.
   *
   * @param code a stable, lower-case code: {@code starting}, {@code draining}, {@code
   *     pollers-stopped}, {@code disk-low}, {@code temporal-unreachable}
   * @param detail one sentence for the log
   */
  public record Reason(String code, String detail) {}

  public Readiness {
    reasons = List.copyOf(reasons);
  }

  /** Not ready for one reason. */
  public static Readiness notReady(String code, String detail) {
    return new Readiness(List.of(new Reason(code, detail)));
  }

  public boolean ready() {
    return reasons.isEmpty();
  }

  /** The reasons' details, one sentence each. */
  public List<String> problems() {
    return reasons.stream().map(Reason::detail).toList();
  }

  /** The reasons' codes. */
  public List<String> codes() {
    return reasons.stream().map(Reason::code).toList();
  }
}
