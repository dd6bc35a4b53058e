package dev.locality.api.session;

/** Task queue naming shared by workers, workflows and the CLI. */
public final class TaskQueues {
  /** Default shared queue every worker polls for session leases and workflows. */
  public static final String DEFAULT_SHARED = "locality";

  private TaskQueues() {}

  /**
   * The queue a pool's session leases go to: {@code shared} itself for the {@link Pools#DEFAULT}
   * pool (so workers, clients and recorded histories from before pools are unaffected), {@code
   * <shared>/pool/<pool>} for any other pool. Workers of a pool poll it with that pool's session
   * slots.
   *
   * @throws IllegalArgumentException when {@code pool} is not a valid pool name
   */
  public static String leaseQueue(String sharedQueue, String pool) {
    String name = Pools.orDefault(pool);
    if (!Pools.isValid(name)) throw new IllegalArgumentException(Pools.problem(name));
    return name.equals(Pools.DEFAULT) ? sharedQueue : sharedQueue + "/pool/" + name;
  }

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

  /**
   * {@code <shared>@<workerId>-prefer}: the queue on which a new session is offered first to a
   * worker id that holds the pipeline's input in its download cache (delay scheduling). Like the
   * shared queue it is split by pool ({@link #leaseQueue}{@code (preferred(shared, id), pool)});
   * every process with that worker id polls it per pool, within that pool's slots.
   */
  public static String preferred(String sharedQueue, String workerId) {
    return sharedQueue + "@" + workerId + "-prefer";
  }
}
