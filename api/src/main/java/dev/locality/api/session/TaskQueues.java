package dev.locality.api.session;

/** Task queue naming shared by workers, workflows and the CLI. */
public final class TaskQueues {
  /** Default shared queue every worker polls for session leases and workflows. */
  public static final String DEFAULT_SHARED = "locality";

  private TaskQueues() {}

  /** {@code <shared>@<workerId>-<suffix>}: unique per worker process. */
  public static String unique(String sharedQueue, String workerId, String suffix) {
    return sharedQueue + "@" + workerId + "-" + suffix;
  }

  /**
   * {@code <shared>@<workerId>-reattach}: the queue on which a worker id is offered back the
   * sessions its previous process held (same-host resume). Stable across restarts, unlike {@link
   * #unique}; every process with that worker id polls it for session leases. Never equal to a
   * unique queue, whose suffix is hexadecimal.
   */
  public static String reattach(String sharedQueue, String workerId) {
    return sharedQueue + "@" + workerId + "-reattach";
  }
}
