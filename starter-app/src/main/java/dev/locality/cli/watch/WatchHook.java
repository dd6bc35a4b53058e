package dev.locality.cli.watch;

import java.util.Optional;

/**
 * Something that acts on every snapshot a {@link PipelineWatch} takes (the demo's kill switch).
 * Called from the watch loop's thread.
 */
@FunctionalInterface
public interface WatchHook {
  /**
   * @return an event to show when the hook did something, else empty
   */
  Optional<String> onSnapshot(LiveSnapshot snapshot);
}
