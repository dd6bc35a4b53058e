package dev.locality.api.workers;

import java.util.List;

/**
 * The answer of {@link WorkerRegistryWorkflow#workers()}.
 *
 * @param asOfMillis the registry's clock when it answered (the time of the last report it
 *     processed, from any worker; the server's clock): every state is judged against it, so the
 *     listing does not depend on the asking machine's clock
 * @param goneAfterMillis how long without a report makes a worker {@link WorkerEntry#GONE}
 * @param workers every worker that reported within the registry's memory, by worker id and unique
 *     queue, oldest first
 */
public record WorkerListing(long asOfMillis, long goneAfterMillis, List<WorkerEntry> workers) {
  public WorkerListing {
    workers = workers == null ? List.of() : List.copyOf(workers);
  }
}
