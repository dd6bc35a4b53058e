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
}
