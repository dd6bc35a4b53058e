package dev.locality.activities.stages.csv;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * The type of a column in {@code transform-csv}'s {@code types} option: how a field's text is
 * checked, what the filter and derived expressions see, and what is written. Immutable and
 * thread-safe.
 *
 * <table>
 *   <caption>Types</caption>
 *   <tr><th>spec</th><th>accepts</th><th>CEL type</th><th>written as</th></tr>
 *   <tr><td>{@code int}</td><td>a 32-bit integer: optional sign, digits</td><td>int</td>
 *       <td>canonical digits ({@code +007} gives {@code 7})</td></tr>
 *   <tr><td>{@code long}</td><td>a 64-bit integer</td><td>int</td><td>canonical digits</td></tr>
 *   <tr><td>{@code decimal}</td><td>a decimal number ({@code -1.50}, {@code 2e3})</td>
 *       <td>double (the nearest one)</td><td>the exact decimal in plain notation, scale kept
 *       ({@code 2e3} gives {@code 2000}, {@code 1.50} stays)</td></tr>
 *   <tr><td>{@code boolean}</td><td>{@code true}/{@code false}, any case</td><td>bool</td>
 *       <td>{@code true}/{@code false}</td></tr>
 *   <tr><td>{@code date:<pattern>}</td><td>a date in the {@link DateTimeFormatter} pattern
 *       ({@code date:dd.MM.yyyy})</td><td>string, ISO {@code 2024-01-31}</td><td>ISO date</td></tr>
 *   <tr><td>{@code timestamp:<pattern>}</td><td>a date-time in the pattern; with a zone or offset
 *       in the pattern it is converted to UTC</td><td>string, ISO {@code 2024-01-31T13:45:00} (with
 *       {@code Z} when zoned)</td><td>ISO date-time</td></tr>
 * </table>
 *
 * <p>Dates and timestamps reach CEL as ISO strings, which compare correctly as strings ({@code day
 * >= '2024-01-01'}) and convert with {@code timestamp(...)} when zoned. Patterns are parsed
 * strictly ({@code uuuu} or {@code yyyy} for years both work; February 30 is refused).
 */
public final class ColumnType {
  private enum Kind {
    INT,
    LONG,
    DECIMAL,
    BOOLEAN,
    DATE,
    TIMESTAMP
  }

  /** The largest decimal precision, as Parquet, Spark and DuckDB allow. */
  public static final int MAX_PRECISION = 38;

  private static final java.util.regex.Pattern DECIMAL_WITH_SCALE =
      java.util.regex.Pattern.compile(
          "decimal\\s*\\(\\s*(\\d{1,3})\\s*,\\s*(\\d{1,3})\\s*\\)",
          java.util.regex.Pattern.CASE_INSENSITIVE);

  private final Kind kind;
  private final String spec;
  private final DateTimeFormatter pattern;
  private final int precision;
  private final int scale;
  private final boolean zoned;

  private ColumnType(Kind kind, String spec, DateTimeFormatter pattern) {
    this(kind, spec, pattern, 0, -1, false);
  }

  private ColumnType(
      Kind kind, String spec, DateTimeFormatter pattern, int precision, int scale, boolean zoned) {
    this.kind = kind;
    this.spec = spec;
    this.pattern = pattern;
    this.precision = precision;
    this.scale = scale;
    this.zoned = zoned;
  }

  /**
   * Parses a type spec.
   *
   * @throws IllegalArgumentException naming the spec and what is wrong with it
   */
  public static ColumnType parse(String spec) {
    String s = spec.trim();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "int":
      case "integer":
        return new ColumnType(Kind.INT, s, null);
      case "long":
        return new ColumnType(Kind.LONG, s, null);
      case "decimal":
        return new ColumnType(Kind.DECIMAL, s, null);
      case "boolean":
      case "bool":
        return new ColumnType(Kind.BOOLEAN, s, null);
      default:
        break;
    }
    java.util.regex.Matcher decimal = DECIMAL_WITH_SCALE.matcher(s);
    if (decimal.matches()) {
      int p = Integer.parseInt(decimal.group(1));
      int sc = Integer.parseInt(decimal.group(2));
      if (p < 1 || p > MAX_PRECISION || sc > p) {
        throw new IllegalArgumentException(
            "type '"
                + spec
                + "' needs a precision from 1 to "
                + MAX_PRECISION
                + " and a scale from 0 to the precision, for example decimal(18,2)");
      }
      return new ColumnType(Kind.DECIMAL, s, null, p, sc, false);
    }
    int colon = s.indexOf(':');
    String head = colon < 0 ? s : s.substring(0, colon).toLowerCase(Locale.ROOT);
    if (head.equals("date") || head.equals("timestamp")) {
      String p = colon < 0 ? "" : s.substring(colon + 1);
      if (p.isBlank()) {
        throw new IllegalArgumentException(
            "type '" + spec + "' needs a pattern, for example " + head + ":yyyy-MM-dd");
      }
      DateTimeFormatter formatter;
      try {
        formatter =
            DateTimeFormatter.ofPattern(p.replace("yyyy", "uuuu"), Locale.ROOT)
                .withResolverStyle(ResolverStyle.STRICT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "type '" + spec + "' has a bad date-time pattern: " + e.getMessage(), e);
      }
      return head.equals("date")
          ? new ColumnType(Kind.DATE, s, formatter)
          : new ColumnType(Kind.TIMESTAMP, s, formatter, 0, -1, hasMandatoryZone(p));
    }
    throw new IllegalArgumentException(
        "unknown type '"
            + spec
            + "' (known: int, long, decimal, decimal(<precision>,<scale>), boolean,"
            + " date:<pattern>, timestamp:<pattern>)");
  }

  /**
   * Whether a {@link DateTimeFormatter} pattern always parses a zone or offset: a zone letter
   * ({@code V z O X x Z}) outside quotes and outside optional sections ({@code [...]}).
   */
  static boolean hasMandatoryZone(String pattern) {
    int optional = 0;
    boolean quoted = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted) {
        if (c == '[') optional++;
        else if (c == ']') optional = Math.max(0, optional - 1);
        else if (optional == 0 && "VzOXxZ".indexOf(c) >= 0) return true;
      }
    }
    return false;
  }

  /** What a column of this type holds, for writers of typed formats (JSON Lines, Parquet). */
  public enum Storage {
    INT,
    LONG,
    /** A decimal without declared precision and scale: its exact text. */
    DECIMAL_TEXT,
    /** A decimal with {@link ColumnType#precision()} and {@link ColumnType#scale()}. */
    DECIMAL,
    BOOLEAN,
    DATE,
    /** A timestamp whose pattern always has a zone: UTC instants. */
    TIMESTAMP_UTC,
    /** A timestamp without a mandatory zone: local date-times (zoned values as their UTC time). */
    TIMESTAMP_LOCAL
  }

  /** How writers of typed formats store this type. */
  public Storage storage() {
    return switch (kind) {
      case INT -> Storage.INT;
      case LONG -> Storage.LONG;
      case DECIMAL -> scale < 0 ? Storage.DECIMAL_TEXT : Storage.DECIMAL;
      case BOOLEAN -> Storage.BOOLEAN;
      case DATE -> Storage.DATE;
      case TIMESTAMP -> zoned ? Storage.TIMESTAMP_UTC : Storage.TIMESTAMP_LOCAL;
    };
  }

  /** The declared precision of a {@code decimal(p,s)}, else 0. */
  public int precision() {
    return precision;
  }

  /** The declared scale of a {@code decimal(p,s)}, else -1. */
  public int scale() {
    return scale;
  }

  /** The type's CEL declaration. */
  public CelType celType() {
    switch (kind) {
      case INT:
      case LONG:
        return SimpleType.INT;
      case DECIMAL:
        return SimpleType.DOUBLE;
      case BOOLEAN:
        return SimpleType.BOOL;
      default:
        return SimpleType.STRING;
    }
  }

  /**
   * Converts a field's text.
   *
   * @return the typed value and its normalised text
   * @throws IllegalArgumentException saying why the text is not of this type
   */
  public Value convert(String text) {
    try {
      switch (kind) {
        case INT:
          {
            int i = Integer.parseInt(text);
            return new Value((long) i, Integer.toString(i));
          }
        case LONG:
          {
            long l = Long.parseLong(text);
            return new Value(l, Long.toString(l));
          }
        case DECIMAL:
          {
            BigDecimal d = new BigDecimal(text);
            if (scale >= 0) d = fitted(d, text);
            double value = d.doubleValue();
            if (Double.isInfinite(value)) throw new NumberFormatException();
            return new Value(value, d.toPlainString());
          }
        case BOOLEAN:
          if (text.equalsIgnoreCase("true")) return new Value(Boolean.TRUE, "true");
          if (text.equalsIgnoreCase("false")) return new Value(Boolean.FALSE, "false");
          throw new NumberFormatException();
        case DATE:
          {
            String iso = LocalDate.parse(text, pattern).toString();
            return new Value(iso, iso);
          }
        case TIMESTAMP:
          {
            String iso = timestamp(pattern.parse(text));
            return new Value(iso, iso);
          }
        default:
          throw new IllegalStateException(kind.toString());
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not " + describe());
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not " + describe() + ": " + e.getMessage());
    }
  }

  /**
   * {@code d} at the declared scale (trailing zeros added), refused when it has more decimal places
   * than the scale or more digits than the precision.
   */
  private BigDecimal fitted(BigDecimal d, String text) {
    BigDecimal scaled;
    try {
      scaled = d.setScale(scale, java.math.RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "'" + text + "' has more than " + scale + " decimal places for " + spec);
    }
    if (scaled.unscaledValue().abs().toString().length() > precision) {
      throw new IllegalArgumentException(
          "'" + text + "' has more than " + precision + " digits for " + spec);
    }
    return scaled;
  }

  private static String timestamp(TemporalAccessor parsed) {
    LocalDateTime local = LocalDateTime.of(LocalDate.from(parsed), LocalTime.from(parsed));
    ZoneId zone = parsed.query(TemporalQueries.zone());
    if (zone == null) return local.toString();
    return local.atZone(zone).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime() + "Z";
  }

  /** {@code an int}, {@code a date like dd.MM.yyyy}, ... for messages. */
  public String describe() {
    switch (kind) {
      case INT:
        return "an int";
      case LONG:
        return "a long";
      case DECIMAL:
        return scale < 0 ? "a decimal" : "a " + spec;
      case BOOLEAN:
        return "a boolean (true or false)";
      default:
        return "a "
            + spec.substring(0, spec.indexOf(':'))
            + " like "
            + spec.substring(spec.indexOf(':') + 1);
    }
  }

  @Override
  public String toString() {
    return spec;
  }

  /**
   * A converted field.
   *
   * @param cel what CEL sees: Long, Double, Boolean or String
   * @param text what is written
   */
  public record Value(Object cel, String text) {}
}
