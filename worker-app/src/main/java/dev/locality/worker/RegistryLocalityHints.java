package dev.locality.worker;

import dev.locality.api.session.LocalityHints;
import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerRegistryWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link LocalityHints} from the worker registry: queries the registry workflow of the shared queue
 * and picks the live workers (state {@link WorkerEntry#LIVE}) of the pool whose report lists the
 * URL hash, those with a free slot in the pool first (more free slots first). A registry that
 * cannot be queried is an empty answer's worth: the activity fails and the workflow takes no hint.
 * Registered as a local activity on the pipeline workflow worker. Thread-safe.
 */
final class RegistryLocalityHints implements LocalityHints {
  private final WorkflowClient client;

  RegistryLocalityHints(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public List<String> holders(String sharedQueue, String pool, String urlHash) {
    WorkerListing listing =
        client
            .newWorkflowStub(
                WorkerRegistryWorkflow.class, WorkerRegistryWorkflow.workflowId(sharedQueue))
            .workers();
    return holders(listing, pool, urlHash);
  }

  /** The holders of {@code urlHash} in {@code listing}, as {@link #holders} picks them. */
  static List<String> holders(WorkerListing listing, String pool, String urlHash) {
    record Holder(String workerId, int free) {}
    List<Holder> found = new ArrayList<>();
    for (WorkerEntry entry : listing.workers()) {
      if (!WorkerEntry.LIVE.equals(entry.state())) continue;
      if (!entry.report().cachedUrls().contains(urlHash)) continue;
      for (PoolReport p : entry.report().pools()) {
        if (p.pool().equals(pool)) found.add(new Holder(entry.report().workerId(), freeSlots(p)));
      }
    }
    found.sort(Comparator.comparingInt(Holder::free).reversed());
    return found.stream().map(Holder::workerId).distinct().toList();
  }

  private static int freeSlots(PoolReport pool) {
    return Math.max(0, pool.slots() - pool.openSessions());
  }
}
