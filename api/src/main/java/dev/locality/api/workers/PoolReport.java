package dev.locality.api.workers;

/**
 * One resource pool of a worker, as the worker itself counted it when it reported.
 *
 * @param pool the pool name
 * @param slots the worker's session slots in this pool
 * @param openSessions the slots in use (session leases running) at the time of the report
 */
public record PoolReport(String pool, int slots, int openSessions) {
  /** Slots not in use, never negative. */
  public int freeSlots() {
    return Math.max(0, slots - openSessions);
  }
}
