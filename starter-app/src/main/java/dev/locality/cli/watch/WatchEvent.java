package dev.locality.cli.watch;

/**
 * Something that happened to a pipeline run, as one line of the live view.
 *
 * @param atMillis epoch millis when it happened (as the workflow recorded it where known)
 * @param text what happened, e.g. {@code failed over to worker w2 (session #2)}
 * @param kind what it is about; the terminal view lists only session events and notes (its table
 *     already shows every stage's state)
 */
public record WatchEvent(long atMillis, String text, Kind kind) {
  /** What an event is about. */
  public enum Kind {
    /** A session waiting, opened, lost, failed over or closed. */
    SESSION,
    /** A stage started, completed, failed or was cancelled. */
    STAGE,
    /** Something the CLI itself did (the demo killing a worker). */
    NOTE
  }
}
