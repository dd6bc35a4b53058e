package dev.locality.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.PipelineStatus;
import dev.locality.api.workflow.SessionRecord;
import dev.locality.cli.report.PipelineReport;
import dev.locality.stage.Progress;
import dev.locality.stage.StageMetrics;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal frame, at fixed widths, with and without colour, and its in-place redraw. */
class LiveViewRendererTest {
  private static final long T0 = 1_764_064_800_000L; // 2025-11-25T10:00:00Z

  @Test
  void rendersOneRowPerStageWithABarRateAndEtaFittingTheWidth() {
    List<String> lines =
        new LiveViewRenderer(100, false, ZoneOffset.UTC)
            .render(
                snapshot(),
                List.of(
                    new WatchEvent(
                        T0 + 5_000,
                        "failed over to worker w2 (session #2)",
                        WatchEvent.Kind.SESSION)));

    assertThat(lines.get(0)).isEqualTo("pipeline demo-1  RUNNING  12.0s  session #2 on w2");
    assertThat(lines.get(1)).isEqualTo("   #  STAGE          STATE      WORKER  PROGRESS");
    assertThat(lines.get(2)).isEqualTo("   0  download       COMPLETED  w2      300.0 MiB in 2.0s");
    assertThat(lines.get(3))
        .startsWith("   1  decompress     RUNNING    w2      [")
        .contains("]  25%  75.0 MiB / 300.0 MiB  50.0 MiB/s  ETA 4.5s");
    assertThat(lines.get(4)).isEqualTo("   2  transform-csv  PENDING    w2");
    assertThat(lines.get(5)).isEqualTo("  events");
    assertThat(lines.get(6)).isEqualTo("  10:00:05  failed over to worker w2 (session #2)");
    assertThat(lines).allSatisfy(l -> assertThat(Ansi.visibleLength(l)).isLessThan(100));
  }

  @Test
  void aNarrowTerminalDropsTheBarAndCutsLinesInsteadOfWrapping() {
    List<String> lines =
        new LiveViewRenderer(60, false, ZoneOffset.UTC).render(snapshot(), List.of());

    assertThat(lines.get(3))
        .doesNotContain("[")
        .startsWith("   1  decompress     RUNNING    w2       25%");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(59));
  }

  @Test
  void coloursStatesWithAnsiWhenAskedAndPadsByVisibleWidth() {
    List<String> lines =
        new LiveViewRenderer(100, true, ZoneOffset.UTC).render(snapshot(), List.of());

    assertThat(lines.get(2)).contains(Ansi.GREEN + "COMPLETED" + Ansi.RESET + "  w2");
    assertThat(lines.get(3)).contains(Ansi.CYAN + "RUNNING" + Ansi.RESET + "    w2");
    assertThat(Ansi.visibleLength(lines.get(2)))
        .isEqualTo("   0  download       COMPLETED  w2      300.0 MiB in 2.0s".length());
  }

  @Test
  void theScreenRedrawsInPlaceByMovingUpOverThePreviousFrame() {
    AnsiScreen screen = new AnsiScreen();

    String first = screen.frame(List.of("a", "b", "c"));
    String second = screen.frame(List.of("x", "y"));

    assertThat(first).isEqualTo("\u001b[2Ka\n\u001b[2Kb\n\u001b[2Kc\n\u001b[J");
    assertThat(second).isEqualTo("\r\u001b[3A\u001b[2Kx\n\u001b[2Ky\n\u001b[J");
  }

  @Test
  void theTerminalViewWritesFramesAndEndsWithTheExitCodeLine() {
    java.io.StringWriter text = new java.io.StringWriter();
    TerminalLiveView view =
        new TerminalLiveView(new java.io.PrintWriter(text), 80, false, ZoneOffset.UTC);

    view.update(snapshot(), List.of());
    view.update(snapshot(), List.of());
    view.finish(snapshot());

    assertThat(text.toString())
        .startsWith("\u001b[2Kpipeline demo-1")
        .contains("\u001b[J\r\u001b[5A\u001b[2Kpipeline demo-1")
        .endsWith("pipeline RUNNING in 12.0s, 1 failover (exit code 0)\n\n");
  }

  @Test
  void progressBarsFillProportionally() {
    assertThat(ProgressText.bar(0, 12)).isEqualTo("[          ]");
    assertThat(ProgressText.bar(0.5, 12)).isEqualTo("[====>     ]");
    assertThat(ProgressText.bar(1, 12)).isEqualTo("[==========]");
    assertThat(ProgressText.details(Progress.rows(1234), 25_000, -1))
        .isEqualTo("1234 rows  25.0k rows/s");
  }

  /** Session #2 on w2 after w1 was lost; decompress a quarter done at 50 MiB/s. */
  static LiveSnapshot snapshot() {
    List<SessionRecord> sessions =
        List.of(
            new SessionRecord("s1", 1, "w1", "q@w1", "FAILED", T0, T0 + 4_000, "worker lost"),
            new SessionRecord("s2", 2, "w2", "q@w2", "OPEN", T0 + 5_000, 0, null));
    PipelineReport report =
        PipelineReport.running(
            "demo-1", "run-1", new PipelineStatus("RUNNING", sessions, List.of()), List.of());
    long mib = 1024 * 1024;
    List<LiveStage> stages =
        List.of(
            new LiveStage(
                0,
                "download",
                "COMPLETED",
                "w2",
                "s2",
                T0 + 5_000,
                T0 + 7_000,
                StageMetrics.bytes(0, 300 * mib),
                null,
                null,
                Double.NaN,
                1),
            new LiveStage(
                1,
                "decompress",
                "RUNNING",
                "w2",
                "s2",
                T0 + 7_000,
                0,
                null,
                null,
                Progress.bytes(75 * mib, 300 * mib),
                50.0 * mib,
                1),
            new LiveStage(
                2, "transform-csv", "PENDING", "w2", "s2", 0, 0, null, null, null, Double.NaN, 1));
    return new LiveSnapshot(report, "RUNNING", T0, 0, T0 + 12_000, T0 + 11_800, stages);
  }
}
