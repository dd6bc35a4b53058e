package dev.locality.api.workflow;

/**
 * Application failure types that carry meaning between workers and the workflow. A stage or lease
 * failing with one of these is treated as the constant's comment says.
 */
public final class Failures {
  /** Bad input or configuration: the pipeline fails at once, without failover. */
  public static final String BAD_INPUT = "BadInput";

  /** The worker no longer has the session (it restarted or closed it): fail over. */
  public static final String SESSION_LOST = "SessionLost";

  /** The worker is shutting down and gave the session up: fail over at once. */
  public static final String WORKER_SHUTDOWN = "WorkerShutdown";

  /**
   * The worker lacks the resources to run the stage (it ran out of memory, or its own work
   * directory refuses access): never retried on the same worker; the session fails over to another
   * worker at once, like {@link #SESSION_LOST}.
   */
  public static final String WORKER_RESOURCES = "WorkerResources";

  /**
   * A worker declined a session lease (it failed this pipeline before, or it is draining); the
   * workflow asks again, so another worker gets the session when one has room.
   */
  public static final String LEASE_DECLINED = "LeaseDeclined";

  /**
   * A worker declined a session lease because it lacks stage types the pipeline needs (a mixed
   * fleet whose workers load different plugins). Unlike {@link #LEASE_DECLINED} it never turns into
   * an acceptance after a few refusals. Details: the worker id, then the missing types.
   */
  public static final String LEASE_UNSUPPORTED = "LeaseUnsupported";

  /** No worker with a free session slot appeared within the creation timeout. */
  public static final String NO_WORKER = "NoWorkerAvailable";

  /**
   * The workflow input is not a valid pipeline spec. The failure's message lists every problem; its
   * details hold them as a list of {@code {location, message}} objects. Nothing ran.
   */
  public static final String INVALID_SPEC = "InvalidSpec";

  /**
   * The pipeline workflow's own code failed (a bug, never the data's fault). The workflow fails
   * with the exception's message instead of retrying its workflow task forever.
   */
  public static final String WORKFLOW_ERROR = "WorkflowError";

  /** Every session attempt failed. */
  public static final String ATTEMPTS_EXHAUSTED = "WorkerAttemptsExhausted";

  private Failures() {}
}
