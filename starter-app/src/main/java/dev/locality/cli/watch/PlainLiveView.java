package dev.locality.cli.watch;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live view for logs, pipes and CI: only appended lines, no cursor movement. One line per event
 * as it happens, and for a running stage one progress line at most every {@code progressEvery}
 * (percentage, amounts, rate, ETA), then the line saying how the run ended. Not thread-safe.
 */
public final class PlainLiveView implements LiveView {
  /** A stage shorter than this gets no progress line: its completion line says it all. */
  static final long FIRST_PROGRESS_AFTER_MILLIS = 2_000;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintWriter out;
  private final ZoneId zone;
  private final long progressEveryMillis;
  private final Map<String, Long> lastProgressLine = new HashMap<>();
  private boolean headerPrinted;

  public PlainLiveView(PrintWriter out, ZoneId zone, long progressEveryMillis) {
    this.out = out;
    this.zone = zone;
    this.progressEveryMillis = progressEveryMillis;
  }

  @Override
  public void update(LiveSnapshot snapshot, List<WatchEvent> newEvents) {
    if (!headerPrinted) {
      out.println("watching pipeline " + snapshot.workflowId() + " (" + snapshot.status() + ")");
      headerPrinted = true;
    }
    for (WatchEvent e : newEvents) out.println(time(e.atMillis()) + "  " + e.text());
    for (LiveStage stage : snapshot.stages()) {
      if (!"RUNNING".equals(stage.state()) || stage.progress() == null) continue;
      String key = stage.index() + "/" + stage.type() + "/" + stage.startedAtMillis();
      Long last = lastProgressLine.get(key);
      long runningFor = snapshot.nowMillis() - stage.startedAtMillis();
      if (last == null
          ? runningFor < FIRST_PROGRESS_AFTER_MILLIS
          : snapshot.nowMillis() - last < progressEveryMillis) {
        continue;
      }
      lastProgressLine.put(key, snapshot.nowMillis());
      out.println(
          time(snapshot.nowMillis())
              + "  stage "
              + stage.index()
              + " "
              + stage.type()
              + " "
              + ProgressText.details(stage.progress(), stage.ratePerSecond(), stage.etaMillis()));
    }
    out.flush();
  }

  @Override
  public void finish(LiveSnapshot last) {
    out.println(time(last.nowMillis()) + "  " + PipelineEvents.ending(last));
    out.println();
    out.flush();
  }

  private String time(long millis) {
    return CLOCK.format(Instant.ofEpochMilli(millis).atZone(zone));
  }
}
