package dev.locality.cli.watch;

import dev.locality.cli.report.Formats;
import dev.locality.stage.Progress;
import java.util.Locale;

/**
 * Renders heartbeat progress: a bar ({@code [=======> ]}), percentage, amounts, rate and ETA for
 * progress with a known total; amount and rate without one. Bytes use binary units, rows use plain
 * counts. Stateless, thread-safe.
 */
public final class ProgressText {
  private ProgressText() {}

  /** A bar {@code width} columns wide including the brackets; empty when {@code width < 5}. */
  public static String bar(double fraction, int width) {
    if (width < 5) return "";
    int inner = width - 2;
    double f = Math.max(0, Math.min(1, fraction));
    int filled = (int) Math.round(f * inner);
    StringBuilder bar = new StringBuilder("[");
    for (int i = 0; i < inner; i++) {
      if (i < filled - 1 || (f >= 1 && i < inner)) bar.append('=');
      else if (i == filled - 1) bar.append('>');
      else bar.append(' ');
    }
    return bar.append(']').toString();
  }

  /** {@code 38% 114.0 MiB of 300.0 MiB 85.0 MiB/s ETA 2.2s}, fields left out when unknown. */
  public static String details(Progress p, double ratePerSecond, long etaMillis) {
    StringBuilder out = new StringBuilder();
    if (p.total() > 0) {
      out.append(percent(p)).append("  ");
      out.append(amount(p.done(), p.unit())).append(" / ").append(amount(p.total(), p.unit()));
    } else {
      out.append(amount(p.done(), p.unit()));
    }
    if (ratePerSecond > 0) out.append("  ").append(rate(ratePerSecond, p.unit()));
    if (etaMillis >= 0) out.append("  ETA ").append(Formats.duration(etaMillis));
    return out.toString();
  }

  /** Fraction done, or -1 when the total is unknown. */
  public static double fraction(Progress p) {
    return p.total() > 0 ? Math.min(1.0, (double) p.done() / p.total()) : -1;
  }

  static String percent(Progress p) {
    return String.format(Locale.ROOT, "%3d%%", (int) Math.floor(fraction(p) * 100));
  }

  public static String amount(long value, String unit) {
    return "bytes".equals(unit) ? Formats.bytes(value) : value + " " + unit;
  }

  public static String rate(double perSecond, String unit) {
    if ("bytes".equals(unit)) return Formats.bytes((long) perSecond) + "/s";
    if (perSecond >= 10_000) {
      return String.format(Locale.ROOT, "%.1fk %s/s", perSecond / 1000, unit);
    }
    return String.format(Locale.ROOT, "%.0f %s/s", perSecond, unit);
  }
}
