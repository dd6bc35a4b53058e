package dev.locality.cli.watch;

import dev.locality.api.workflow.SessionRecord;
import dev.locality.cli.report.Formats;
import dev.locality.stage.StageMetrics;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out one frame of the terminal live view for a given width: a header (pipeline, status,
 * elapsed time, current session and worker), one row per stage (index, type, state, worker, then a
 * progress bar with percentage, amounts, rate and ETA while running, or what it moved once done),
 * and the latest events. Every line fits in {@code width - 1} columns, so the terminal never wraps
 * and the frame can be redrawn in place. Colours only when asked. Stateless, thread-safe.
 *
 * <pre>
 * pipeline demo-1a2b  RUNNING  12.3s  session #2 on w2
 *   #  STAGE          STATE      WORKER  PROGRESS
 *   0  download       COMPLETED  w2      27.1 MiB in 1.2s
 *   1  decompress     RUNNING    w2      [=======>     ]  38%  114.0 MiB / 300.0 MiB  85.0 MiB/s  ETA 2.2s
 *   2  transform-csv  PENDING    w2
 *   events
 *   12:00:05  worker w1 lost after 3.1s without a heartbeat: ...
 * </pre>
 */
public final class LiveViewRenderer {
  /** Events shown under the stages. */
  public static final int EVENT_LINES = 6;

  private static final int MAX_BAR = 30;
  private static final int MIN_BAR = 10;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final int width;
  private final boolean color;
  private final ZoneId zone;

  /**
   * @param width terminal columns
   * @param color whether to colour states (ANSI SGR)
   * @param zone time zone of event times
   */
  public LiveViewRenderer(int width, boolean color, ZoneId zone) {
    this.width = Math.max(40, width);
    this.color = color;
    this.zone = zone;
  }

  /** The frame's lines, without line terminators. */
  public List<String> render(LiveSnapshot snapshot, List<WatchEvent> recentEvents) {
    List<String> lines = new ArrayList<>();
    lines.add(header(snapshot));
    stageRows(snapshot, lines);
    if (!recentEvents.isEmpty()) {
      lines.add("  " + style(Ansi.BOLD, "events"));
      int from = Math.max(0, recentEvents.size() - EVENT_LINES);
      for (WatchEvent e : recentEvents.subList(from, recentEvents.size())) {
        lines.add("  " + style(Ansi.DIM, time(e.atMillis())) + "  " + e.text());
      }
    }
    List<String> fitted = new ArrayList<>(lines.size());
    for (String line : lines) fitted.add(Ansi.truncate(line, width - 1));
    return fitted;
  }

  private String header(LiveSnapshot s) {
    StringBuilder h = new StringBuilder("pipeline ");
    h.append(style(Ansi.BOLD, s.workflowId())).append("  ").append(state(s.status()));
    if (s.elapsedMillis() >= 0) h.append("  ").append(Formats.duration(s.elapsedMillis()));
    SessionRecord session = s.currentSession();
    if (session != null && session.workerId() != null && s.isRunning()) {
      h.append("  session #").append(session.attempt()).append(" on ").append(session.workerId());
    }
    if (s.isRunning() && s.phase() != null && !"RUNNING".equals(s.phase())) {
      h.append("  (").append(s.phase().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
      h.append(')');
    }
    if (s.isRunning() && s.phase() == null) h.append("  (no worker answers yet)");
    return h.toString();
  }

  private void stageRows(LiveSnapshot s, List<String> lines) {
    List<LiveStage> stages = s.stages();
    if (stages.isEmpty()) return;
    int typeWidth = "STAGE".length();
    int workerWidth = "WORKER".length();
    for (LiveStage stage : stages) {
      typeWidth = Math.max(typeWidth, stage.type().length());
      workerWidth = Math.max(workerWidth, nonNull(stage.workerId()).length());
    }
    int stateWidth = "CANCELLED".length();
    int fixed = 2 + 2 + 2 + typeWidth + 2 + stateWidth + 2 + workerWidth + 2;
    int progressWidth = width - 1 - fixed;
    lines.add(
        "  "
            + style(
                Ansi.BOLD,
                Ansi.pad(" #", 2)
                    + "  "
                    + Ansi.pad("STAGE", typeWidth)
                    + "  "
                    + Ansi.pad("STATE", stateWidth)
                    + "  "
                    + Ansi.pad("WORKER", workerWidth)
                    + "  PROGRESS"));
    for (LiveStage stage : stages) {
      String index = stage.index() < 0 ? " ?" : String.format("%2d", stage.index());
      lines.add(
          ("  "
                  + index
                  + "  "
                  + Ansi.pad(stage.type(), typeWidth)
                  + "  "
                  + Ansi.pad(state(stage.state()), stateWidth)
                  + "  "
                  + Ansi.pad(nonNull(stage.workerId()), workerWidth)
                  + "  "
                  + progress(stage, progressWidth))
              .stripTrailing());
    }
  }

  private String progress(LiveStage stage, int room) {
    switch (nonNull(stage.state())) {
      case "RUNNING":
        {
          if (stage.progress() == null) {
            return style(Ansi.DIM, "starting" + attempt(stage));
          }
          String details =
              ProgressText.details(stage.progress(), stage.ratePerSecond(), stage.etaMillis());
          double fraction = ProgressText.fraction(stage.progress());
          int barWidth = Math.min(MAX_BAR, room - details.length() - 1);
          String bar =
              fraction >= 0 && barWidth >= MIN_BAR
                  ? ProgressText.bar(fraction, barWidth) + " "
                  : "";
          return bar + details + attempt(stage);
        }
      case "COMPLETED":
        return done(stage.metrics(), stage);
      case "FAILED":
      case "CANCELLED":
        return stage.failure() == null ? "" : style(Ansi.DIM, stage.failure());
      default:
        return "";
    }
  }

  private static String attempt(LiveStage stage) {
    return stage.attempt() > 1 ? "  (attempt " + stage.attempt() + ")" : "";
  }

  private static String done(StageMetrics m, LiveStage stage) {
    long took =
        stage.startedAtMillis() > 0 && stage.endedAtMillis() > 0
            ? stage.endedAtMillis() - stage.startedAtMillis()
            : -1;
    String in = " in " + Formats.duration(took);
    if (m == null) return in.strip();
    if (m.rowsIn() >= 0) return m.rowsIn() + " rows → " + m.rowsOut() + in;
    return Formats.bytes(m.bytesOut()) + in;
  }

  private String state(String state) {
    String s = nonNull(state);
    switch (s) {
      case "COMPLETED":
        return style(Ansi.GREEN, s);
      case "RUNNING":
        return style(Ansi.CYAN, s);
      case "FAILED":
      case "TIMED_OUT":
      case "TERMINATED":
        return style(Ansi.RED, s);
      case "CANCELLED":
      case "CANCELED":
        return style(Ansi.YELLOW, s);
      case "PENDING":
        return style(Ansi.DIM, s);
      default:
        return s;
    }
  }

  private String style(String sgr, String text) {
    return color ? sgr + text + Ansi.RESET : text;
  }

  private String time(long millis) {
    return CLOCK.format(Instant.ofEpochMilli(millis).atZone(zone));
  }

  private static String nonNull(String s) {
    return s == null ? "-" : s;
  }
}
