package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.cel.common.types.CelType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.locality.activities.stages.csv.filter.CompiledExpr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves the filter compiled to Java equal to CEL: random rows (typed values, nulls, unicode,
 * numeric-looking text) times random and hand-picked expressions of the supported shapes; for every
 * row the compiled predicate's raw outcome (true, false or error) and the filter's outcome (true,
 * false, or the rejecting exception's message) must be CEL's. The seed is printed with any failure;
 * rerun one with {@code -Dcel.property.seed=<seed>}. Each of the four configurations (columns
 * nullable or not, CEL's standard or planner runtime) checks 600 random expressions and the
 * hand-picked ones over 150 random rows.
 */
class CelRowFilterPropertyTest {
  /** Random expressions per configuration; {@code -Dcel.property.expressions=N} for a soak. */
  private static final int EXPRESSIONS = Integer.getInteger("cel.property.expressions", 600);

  private static final int ROWS = 150;

  /** Columns: name, CEL type, generator kind. */
  private static final String[] STRINGS = {"s1", "s2"};

  private static final String[] INTS = {"i1", "i2"};
  private static final String[] DOUBLES = {"d1", "d2"};
  private static final String[] BOOLS = {"b1"};
  private static final List<String> COLUMNS = List.of("s1", "s2", "i1", "i2", "d1", "d2", "b1");

  private static final String[] TEXT = {
    "",
    "a",
    "ab",
    "abc",
    "ABC",
    "b",
    "cancelled",
    "köln",
    "Köln",
    "😀",
    "a😀b",
    "\uE000",
    "\uD83D",
    "Z",
    "1",
    "-2",
    "+3",
    "1.5",
    "-0",
    "-0.0",
    "NaN",
    "Infinity",
    "-Infinity",
    " 3",
    "3 ",
    "1e400",
    "0x1p3",
    "1d",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "007",
    "a.b",
    "a\nb",
    "ß",
    "İ",
    "null",
    "true"
  };
  private static final long[] LONGS = {
    0, 1, -1, 2, 3, 100, -100, 42, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE
  };
  private static final double[] DOUBLE_VALUES = {
    0.0,
    -0.0,
    1.5,
    -1.5,
    2.0,
    100.0,
    100.5,
    1e300,
    -1e-300,
    3.0,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.MIN_VALUE,
    9.223372036854776E18
  };
  private static final String[] PATTERNS = {
    "a", "^a", "b$", "^a.*", "[0-9]+", "^[a-z]+$", "ö", "😀", ".", "^$", "(?i)abc", "\\\\d"
  };

  private static long seed() {
    String given = System.getProperty("cel.property.seed");
    return given != null ? Long.parseLong(given) : new Random().nextLong();
  }

  @ParameterizedTest(name = "nullable={0}, planner={1}")
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void compiledFilterGivesCelsOutcomeOnEveryRow(boolean nullable, boolean planner) {
    long seed = seed();
    Random random = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) rows.add(row(random, nullable));
    int compiled = 0;
    for (int e = 0; e < EXPRESSIONS; e++) {
      String expression = new Generator(random, nullable).bool(3);
      if (check(expression, rows, nullable, planner, seed)) compiled++;
    }
    for (String expression : HAND_PICKED) {
      if (!nullable && expression.contains("null")) continue; // null only where columns are
      assertThat(check(expression, rows, nullable, planner, seed))
          .as("seed %d: '%s' is compiled", seed, expression)
          .isTrue();
    }
    assertThat(compiled).as("seed %d: random expressions compiled", seed).isEqualTo(EXPRESSIONS);
  }

  private static final List<String> HAND_PICKED =
      List.of(
          "s1 != 'cancelled'",
          "double(s1) > 100.0",
          "false && int(s1) > 0",
          "int(s1) > 0 && false",
          "int(s1) > 0 || true",
          "true || int(s1) > 0",
          "int(s1) > 0 && int(s2) > 0",
          "!(i1 == null)",
          "b1",
          "!b1",
          "b1 ? s1 == 'a' : i1 > 2",
          "s1.matches('^a.*')",
          "matches(s1, 'a')",
          "size(s1) == 1",
          "s1.size() >= 2",
          "'😀' < s1",
          "s1 < '\uE000'",
          "d1 == -0.0",
          "double(s1) == double(s1)",
          "double(s1) < 1.0 || double(s1) >= 1.0",
          "i1 in [1, 2, null]",
          "s1 in []",
          "s1 in ['a', 'köln', null]",
          "null == s1",
          "s1 == s2",
          "i1 <= i2 && d1 > d2",
          "double(i1) > d1",
          "int(i1) == i2",
          "double(d1) == d1",
          "b1 < true",
          "b1 >= false",
          "s1.startsWith(s2) || s1.endsWith('b') || s1.contains('ö')",
          "b1 == (s1 == 'a')",
          "(i1 > 0) != (d1 > 0.0)",
          "double('NaN') == double('NaN')",
          "d1 == d1 && !(d2 != d2)",
          "int(' 7') == 7 || int('7') == 7");

  /** Whether the expression was compiled to Java; fails when any row's outcome differs. */
  private static boolean check(
      String expression, List<Object[]> rows, boolean nullable, boolean planner, long seed) {
    Map<String, Integer> indexes = new HashMap<>();
    Map<String, CelType> types = new HashMap<>();
    for (int i = 0; i < COLUMNS.size(); i++) {
      String name = COLUMNS.get(i);
      indexes.put(name, i);
      CelType base =
          switch (name.charAt(0)) {
            case 's' -> SimpleType.STRING;
            case 'i' -> SimpleType.INT;
            case 'd' -> SimpleType.DOUBLE;
            default -> SimpleType.BOOL;
          };
      types.put(name, nullable ? NullableType.create(base) : base);
    }
    CelRowFilter cel, java;
    try {
      cel = CelRowFilter.compile(expression, "filter", true, indexes, types, planner, false);
      java = CelRowFilter.compile(expression, "filter", true, indexes, types, planner, true);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("seed " + seed + ": '" + expression + "' does not compile", e);
    }
    assertThat(cel.compiledToJava()).isFalse();
    for (Object[] row : rows) {
      Object expected = outcome(cel, row);
      Object actual = outcome(java, row);
      String where =
          "seed "
              + seed
              + ", nullable "
              + nullable
              + ", planner "
              + planner
              + ": '"
              + expression
              + "' on "
              + show(row);
      assertThat(actual).as(where).isEqualTo(expected);
      if (java.compiledToJava()) {
        Object raw = java.evalCompiled(row);
        Object rawExpected = expected instanceof Boolean ? expected : CompiledExpr.ERROR;
        if (!(raw instanceof Boolean)) raw = CompiledExpr.ERROR;
        if (raw != rawExpected && !raw.equals(rawExpected)) {
          fail(where + ": compiled gives " + raw + ", CEL " + expected);
        }
      }
    }
    return java.compiledToJava();
  }

  /** True, false, or "error: " and the message. */
  private static Object outcome(CelRowFilter filter, Object[] row) {
    try {
      return filter.test(row);
    } catch (CelEvaluationException e) {
      return "error: " + e.getMessage();
    }
  }

  private static String show(Object[] row) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < row.length; i++) {
      if (i > 0) b.append(", ");
      Object v = row[i];
      b.append(COLUMNS.get(i))
          .append('=')
          .append(v instanceof String s ? '"' + s.replace("\n", "\\n") + '"' : v);
    }
    return b.append('}').toString();
  }

  private static Object[] row(Random random, boolean nullable) {
    Object[] row = new Object[COLUMNS.size()];
    for (int i = 0; i < row.length; i++) {
      if (nullable && random.nextInt(6) == 0) continue;
      row[i] =
          switch (COLUMNS.get(i).charAt(0)) {
            case 's' -> text(random);
            case 'i' ->
                random.nextBoolean()
                    ? LONGS[random.nextInt(LONGS.length)]
                    : (long) random.nextInt(7) - 3;
            case 'd' ->
                random.nextBoolean()
                    ? DOUBLE_VALUES[random.nextInt(DOUBLE_VALUES.length)]
                    : random.nextInt(9) / 2.0 - 2;
            default -> random.nextBoolean();
          };
    }
    return row;
  }

  private static String text(Random random) {
    if (random.nextInt(4) > 0) return TEXT[random.nextInt(TEXT.length)];
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(5)) {
        case 0 -> b.append((char) ('a' + random.nextInt(3)));
        case 1 -> b.appendCodePoint(0x1F600 + random.nextInt(4));
        case 2 -> b.append((char) (0xE000 + random.nextInt(3)));
        case 3 -> b.append((char) ('0' + random.nextInt(10)));
        default -> b.appendCodePoint(0xA0 + random.nextInt(0x300));
      }
    }
    return b.toString();
  }

  /** Random well-typed filter expressions of the supported shapes. */
  private static final class Generator {
    private final Random random;
    private final boolean nullable;

    Generator(Random random, boolean nullable) {
      this.random = random;
      this.nullable = nullable;
    }

    private <T> T pick(T[] values) {
      return values[random.nextInt(values.length)];
    }

    String bool(int depth) {
      int choice = random.nextInt(depth > 0 ? 14 : 9);
      return switch (choice) {
        case 0, 1 -> ordering();
        case 2 -> equality();
        case 3 -> in();
        case 4 -> stringFunction();
        case 5 -> nullable ? nullCheck() : equality();
        case 6 -> random.nextBoolean() ? pick(BOOLS) : random.nextBoolean() ? "true" : "false";
        case 7 -> "size(" + string() + ") " + op() + " " + (random.nextInt(5) - 1);
        case 8 -> pick(BOOLS) + " " + op() + " " + (random.nextBoolean() ? "true" : pick(BOOLS));
        case 9, 10 -> "(" + bool(depth - 1) + " && " + bool(depth - 1) + ")";
        case 11 -> "(" + bool(depth - 1) + " || " + bool(depth - 1) + ")";
        case 12 -> "!(" + bool(depth - 1) + ")";
        default -> "(" + bool(depth - 1) + " ? " + bool(depth - 1) + " : " + bool(depth - 1) + ")";
      };
    }

    private String op() {
      return pick(new String[] {"==", "!=", "<", "<=", ">", ">="});
    }

    private String ordering() {
      return switch (random.nextInt(3)) {
        case 0 -> integer() + " " + op() + " " + integer();
        case 1 -> real() + " " + op() + " " + real();
        default -> string() + " " + op() + " " + string();
      };
    }

    private String equality() {
      String eq = random.nextBoolean() ? " == " : " != ";
      return switch (random.nextInt(4)) {
        case 0 -> integer() + eq + integer();
        case 1 -> real() + eq + real();
        case 2 -> string() + eq + string();
        default -> pick(BOOLS) + eq + (random.nextBoolean() ? "true" : "false");
      };
    }

    private String nullCheck() {
      String column = pick(new String[] {pick(STRINGS), pick(INTS), pick(DOUBLES), pick(BOOLS)});
      return random.nextBoolean() ? column + " == null" : "null != " + column;
    }

    private String in() {
      int n = random.nextInt(4);
      List<String> values = new ArrayList<>();
      int kind = random.nextInt(3);
      String element =
          kind == 0
              ? pick(INTS)
              : kind == 1 ? pick(DOUBLES) : random.nextBoolean() ? pick(STRINGS) : string();
      for (int i = 0; i < n; i++) {
        if (nullable && !element.startsWith("'") && random.nextInt(5) == 0) values.add("null");
        else values.add(kind == 0 ? intLiteral() : kind == 1 ? doubleLiteral() : stringLiteral());
      }
      return element + " in [" + String.join(", ", values) + "]";
    }

    private String stringFunction() {
      return switch (random.nextInt(4)) {
        case 0 -> string() + ".startsWith(" + string() + ")";
        case 1 -> string() + ".endsWith(" + string() + ")";
        case 2 -> string() + ".contains(" + string() + ")";
        default ->
            random.nextBoolean()
                ? string() + ".matches(" + quote(pick(PATTERNS)) + ")"
                : "matches(" + string() + ", " + quote(pick(PATTERNS)) + ")";
      };
    }

    private String integer() {
      return switch (random.nextInt(5)) {
        case 0, 1 -> pick(INTS);
        case 2 -> intLiteral();
        case 3 -> "int(" + string() + ")";
        default -> "size(" + string() + ")";
      };
    }

    private String real() {
      return switch (random.nextInt(5)) {
        case 0, 1 -> pick(DOUBLES);
        case 2 -> doubleLiteral();
        case 3 -> "double(" + string() + ")";
        default -> "double(" + pick(INTS) + ")";
      };
    }

    private String string() {
      return random.nextInt(3) > 0 ? pick(STRINGS) : stringLiteral();
    }

    private String intLiteral() {
      return Long.toString(
          random.nextBoolean()
              ? random.nextInt(7) - 3
              : pick(new Long[] {0L, 100L, Long.MAX_VALUE, -9223372036854775807L}));
    }

    private String doubleLiteral() {
      return pick(new String[] {"0.0", "-0.0", "1.5", "-1.5", "2.0", "100.0", "1e300", "3.0"});
    }

    private String stringLiteral() {
      return quote(random.nextBoolean() ? pick(TEXT) : text(random));
    }

    private String quote(String s) {
      StringBuilder b = new StringBuilder("'");
      s.codePoints()
          .forEach(
              c -> {
                if (c == '\\' || c == '\'') b.append('\\').appendCodePoint(c);
                else if (c == '\n') b.append("\\n");
                else if (c < 0x10000 && Character.isSurrogate((char) c))
                  b.append('x'); // CEL refuses a lone surrogate in a literal
                else b.appendCodePoint(c);
              });
      return b.append('\'').toString();
    }
  }

  @Test
  void anUnknownColumnFailsToCompileEitherWay() {
    Map<String, Integer> indexes = Map.of("a", 0);
    Map<String, CelType> types = Map.of("a", SimpleType.STRING);
    for (boolean toJava : new boolean[] {false, true}) {
      assertThatThrownBy(
              () ->
                  CelRowFilter.compile(
                      "a == 'x' && missing == 'y'", "filter", true, indexes, types, false, toJava))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("undeclared reference to 'missing'");
    }
  }

  @Test
  void unsupportedShapesStayOnCelWithTheSameOutcome() {
    Map<String, Integer> indexes = Map.of("a", 0, "n", 1);
    Map<String, CelType> types = Map.of("a", SimpleType.STRING, "n", SimpleType.INT);
    for (String expression :
        List.of(
            "a + 'x' == 'yx'", "n + 1 > 2", "[a].exists(x, x == 'y')", "a.lowerAscii() == 'y'")) {
      CelRowFilter filter =
          CelRowFilter.compile(expression, "filter", true, indexes, types, false, true);
      assertThat(filter.compiledToJava()).as(expression).isFalse();
    }
  }
}
