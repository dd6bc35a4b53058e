package dev.locality.activities.stages.csv;

import java.util.regex.Pattern;

/**
 * A field's text that looks like a number, typed as a {@link Number} so that Commons CSV's {@code
 * QuoteMode.NON_NUMERIC} leaves it unquoted; it prints exactly as the text. Immutable.
 */
public final class NumericText extends Number {
  private static final long serialVersionUID = 1L;
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final String text;

  private NumericText(String text) {
    this.text = text;
  }

  /** The value to print: a {@code NumericText} when {@code text} is a number, else the text. */
  public static Object of(String text) {
    return text != null && NUMBER.matcher(text).matches() ? new NumericText(text) : text;
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public int intValue() {
    return (int) doubleValue();
  }

  @Override
  public long longValue() {
    return (long) doubleValue();
  }

  @Override
  public float floatValue() {
    return (float) doubleValue();
  }

  @Override
  public double doubleValue() {
    return Double.parseDouble(text);
  }
}
