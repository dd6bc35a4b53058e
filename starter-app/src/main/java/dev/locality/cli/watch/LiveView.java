package dev.locality.cli.watch;

import java.util.List;

/** Where a {@link PipelineWatch} shows what it sees. Called from the watch loop's thread only. */
public interface LiveView {
  /** A new snapshot and the events since the previous one. */
  void update(LiveSnapshot snapshot, List<WatchEvent> newEvents);

  /** The run ended; {@code last} is its final snapshot. */
  void finish(LiveSnapshot last);
}
