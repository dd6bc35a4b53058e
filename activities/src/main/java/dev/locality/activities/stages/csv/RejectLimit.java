package dev.locality.activities.stages.csv;

import dev.locality.stage.OptionType;
import java.math.BigDecimal;

/**
 * The {@code maxRejects} option of {@code transform-csv}: a count ({@code 1000}) or a percentage of
 * the rows read ({@code "1%"}, {@code "0.5%"}) that the stage tolerates over all its inputs.
 *
 * <p>A count is checked at every reject: the stage stops at the first reject over it (the 101st for
 * {@code 100}), without reading further. A percentage is a property of the whole input, so it is
 * judged once, at the end, on the final rate over all rows of all inputs: a file whose first rows
 * are all bad still succeeds when the whole input's rate is within the limit. Immutable and
 * thread-safe.
 */
public final class RejectLimit {
  /** The option type: an integer, or a string of a number followed by {@code %}. */
  public static final OptionType<RejectLimit> TYPE =
      OptionType.simple("integer|percentage", RejectLimit::convert);

  private final long count;
  private final BigDecimal percent;

  private RejectLimit(long count, BigDecimal percent) {
    this.count = count;
    this.percent = percent;
  }

  public static RejectLimit count(long count) {
    return new RejectLimit(count, null);
  }

  private static RejectLimit convert(Object raw) {
    if (raw instanceof String s && s.trim().endsWith("%")) {
      String number = s.trim().substring(0, s.trim().length() - 1).trim();
      try {
        BigDecimal percent = new BigDecimal(number);
        if (percent.signum() >= 0 && percent.compareTo(BigDecimal.valueOf(100)) <= 0)
          return new RejectLimit(-1, percent);
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "expected a percentage between 0% and 100% like 1% or 0.5%, got '" + s + "'");
    }
    long n;
    try {
      n = OptionType.INTEGER.convert(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expected a count like 1000 or a percentage like \"1%\", got "
              + OptionType.describe(raw));
    }
    if (n < 0) throw new IllegalArgumentException("must be 0 or more, got " + n);
    return count(n);
  }

  /**
   * Whether the rejects so far exceed the limit, judged while rows are still coming: a count limit
   * as soon as it is exceeded; a percentage never (see {@link #exceededAtEnd}).
   */
  public boolean exceededSoFar(long rejected, long rowsRead) {
    return percent == null && rejected > count;
  }

  /** Whether this is a percentage of the rows read (judged at the end only). */
  public boolean isPercentage() {
    return percent != null;
  }

  /** Whether the rejects exceed the limit once all rows are read. */
  public boolean exceededAtEnd(long rejected, long rowsRead) {
    if (percent == null) return rejected > count;
    // rejected / rowsRead > percent / 100, in exact arithmetic
    return BigDecimal.valueOf(rejected)
            .multiply(BigDecimal.valueOf(100))
            .compareTo(percent.multiply(BigDecimal.valueOf(rowsRead)))
        > 0;
  }

  @Override
  public String toString() {
    return percent == null ? Long.toString(count) : percent.toPlainString() + "%";
  }
}
