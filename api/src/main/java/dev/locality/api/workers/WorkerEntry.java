package dev.locality.api.workers;

/**
 * One worker in a {@link WorkerListing}: its last report and what the registry concluded from it.
 *
 * @param report the worker's last report
 * @param receivedAtMillis when the registry received it (workflow time, i.e. the server's clock)
 * @param state {@link #LIVE} (reporting), {@link #STOPPING} (reporting, shutting down: it takes no
 *     new sessions and drains the open ones), {@link #STOPPED} (said it was shutting down, then
 *     stopped reporting) or {@link #GONE} (stopped reporting without saying so, for longer than the
 *     listing's {@code goneAfterMillis}: the worker died, hangs or lost its connection)
 */
public record WorkerEntry(WorkerReport report, long receivedAtMillis, String state) {
  public static final String LIVE = "live";
  public static final String GONE = "gone";
  public static final String STOPPING = "stopping";
  public static final String STOPPED = "stopped";
}
