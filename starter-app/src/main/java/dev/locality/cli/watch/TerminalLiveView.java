package dev.locality.cli.watch;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The interactive live view: one frame ({@link LiveViewRenderer}) redrawn in place ({@link
 * AnsiScreen}) on every snapshot, keeping the latest session events and notes (stage changes show
 * in the table); the final frame stays on screen, followed by the line saying how the run ended.
 * Not thread-safe.
 */
public final class TerminalLiveView implements LiveView {
  private final PrintWriter out;
  private final LiveViewRenderer renderer;
  private final AnsiScreen screen = new AnsiScreen();
  private final List<WatchEvent> events = new ArrayList<>();

  public TerminalLiveView(PrintWriter out, int width, boolean color, ZoneId zone) {
    this.out = out;
    this.renderer = new LiveViewRenderer(width, color, zone);
  }

  @Override
  public void update(LiveSnapshot snapshot, List<WatchEvent> newEvents) {
    for (WatchEvent e : newEvents) {
      if (e.kind() != WatchEvent.Kind.STAGE) events.add(e);
    }
    if (events.size() > LiveViewRenderer.EVENT_LINES) {
      events.subList(0, events.size() - LiveViewRenderer.EVENT_LINES).clear();
    }
    out.print(screen.frame(renderer.render(snapshot, events)));
    out.flush();
  }

  @Override
  public void finish(LiveSnapshot last) {
    out.println(PipelineEvents.ending(last));
    out.println();
    out.flush();
  }
}
