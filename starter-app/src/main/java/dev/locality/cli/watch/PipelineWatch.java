package dev.locality.cli.watch;

import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.cli.report.PipelineReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Follows one pipeline run until it ends: every {@code interval} it reads the run ({@link
 * PipelineInspector#readLive}: DescribeWorkflowExecution for status and stage heartbeats, the
 * {@code status} query for sessions and stages), derives the events since the last read, lets the
 * hooks act, and hands everything to a {@link LiveView}. Returns the final report. One loop per
 * instance; blocks the calling thread.
 */
public final class PipelineWatch {
  private final PipelineInspector inspector;
  private final Duration interval;
  private final LongSupplier clock;

  public PipelineWatch(PipelineInspector inspector, Duration interval, LongSupplier clock) {
    this.inspector = inspector;
    this.interval = interval;
    this.clock = clock;
  }

  /**
   * @param runId the run to follow, or null for the latest run of {@code workflowId}
   * @throws PipelineInspector.UnknownPipelineException when no workflow has this id
   */
  public PipelineReport watch(String workflowId, String runId, LiveView view, List<WatchHook> hooks)
      throws InterruptedException {
    RateMeter rates = new RateMeter();
    PipelineEvents events = new PipelineEvents();
    while (true) {
      PipelineInspector.LiveRead read = inspector.readLive(workflowId, runId);
      runId = read.report().runId();
      LiveSnapshot snapshot = LiveSnapshot.of(read, rates, clock.getAsLong());
      List<WatchEvent> happened = new ArrayList<>(events.update(snapshot));
      for (WatchHook hook : hooks) {
        Optional<String> note = hook.onSnapshot(snapshot);
        note.ifPresent(
            text -> happened.add(new WatchEvent(clock.getAsLong(), text, WatchEvent.Kind.NOTE)));
      }
      view.update(snapshot, happened);
      if (!snapshot.isRunning()) {
        view.finish(snapshot);
        return read.report();
      }
      Thread.sleep(interval.toMillis());
    }
  }
}
