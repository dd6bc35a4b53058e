package dev.locality.workflows.workers;

import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerRegistryWorkflow;
import dev.locality.api.workers.WorkerReport;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of workers' own reports (see {@link WorkerRegistryWorkflow}). Each report is stored
 * with the workflow time it arrived at (the server's clock); the query judges every worker against
 * the time of the newest report, so neither the workers' nor the asking machine's clock matters.
 * Entries silent for {@link WorkerRegistryWorkflow#FORGET_AFTER} are dropped on each report. Once
 * the history passes {@link #MAX_HISTORY_EVENTS} events the run continues as new with its entries
 * (a report lost in that hand-over is replaced by the worker's next one).
 *
 * <p>Workflow code: deterministic, not thread-safe (like all workflow state).
 */
public final class WorkerRegistryWorkflowImpl implements WorkerRegistryWorkflow {
  /** History length after which the run continues as new (keeps every replay short). */
  static final int MAX_HISTORY_EVENTS = 300;

  private final Map<String, WorkerEntry> entries = new LinkedHashMap<>();

  @Override
  public void run(List<WorkerEntry> carried) {
    if (carried != null) for (WorkerEntry e : carried) entries.put(key(e.report()), e);
    Workflow.await(() -> Workflow.getInfo().getHistoryLength() > MAX_HISTORY_EVENTS);
    forgetSilent(Workflow.currentTimeMillis());
    Workflow.continueAsNew(new ArrayList<>(entries.values()));
  }

  @Override
  public void report(WorkerReport report) {
    if (report == null || report.workerId() == null) return;
    long now = Workflow.currentTimeMillis();
    String key = key(report);
    entries.remove(key); // re-insert: the map stays ordered by latest report
    entries.put(key, new WorkerEntry(report, now, stateOf(report, now, now)));
    forgetSilent(now);
  }

  @Override
  public WorkerListing workers() {
    return listing(new ArrayList<>(entries.values()), Workflow.currentTimeMillis());
  }

  /** Every entry with its state as of {@code asOf}: a pure function, for the query and tests. */
  static WorkerListing listing(List<WorkerEntry> entries, long asOf) {
    List<WorkerEntry> out = new ArrayList<>(entries.size());
    for (WorkerEntry e : entries)
      out.add(
          new WorkerEntry(
              e.report(), e.receivedAtMillis(), stateOf(e.report(), e.receivedAtMillis(), asOf)));
    out.sort(
        java.util.Comparator.comparing((WorkerEntry e) -> e.report().workerId())
            .thenComparing(e -> String.valueOf(e.report().uniqueQueue())));
    return new WorkerListing(asOf, GONE_AFTER.toMillis(), out);
  }

  private static String stateOf(WorkerReport report, long receivedAt, long asOf) {
    boolean silent = asOf - receivedAt > GONE_AFTER.toMillis();
    if (report.stopping()) return silent ? WorkerEntry.STOPPED : WorkerEntry.STOPPING;
    return silent ? WorkerEntry.GONE : WorkerEntry.LIVE;
  }

  private void forgetSilent(long now) {
    entries.values().removeIf(e -> now - e.receivedAtMillis() > FORGET_AFTER.toMillis());
  }

  private static String key(WorkerReport report) {
    return report.workerId() + "|" + report.uniqueQueue();
  }
}
