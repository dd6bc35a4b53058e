package dev.locality.activities.stages.csv.filter;

/**
 * CEL's string functions {@code startsWith}, {@code endsWith}, {@code contains}, {@code size} and
 * {@code matches} (with a constant pattern, compiled once with RE2/J as CEL does). A non-string
 * argument (null, or an error) is an error, as CEL finds no matching overload. {@code size} counts
 * Unicode code points. Immutable and thread-safe.
 */
final class StringFunctions {
  private StringFunctions() {}

  /** The two-string predicates. */
  enum Predicate {
    STARTS_WITH,
    ENDS_WITH,
    CONTAINS
  }

  /** {@code text.startsWith(part)}, {@code text.endsWith(part)} or {@code text.contains(part)}. */
  record Test(Predicate predicate, CompiledExpr text, CompiledExpr part) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object t = text.eval(row);
      Object p = part.eval(row);
      if (!(t instanceof String s) || !(p instanceof String q)) return ERROR;
      return switch (predicate) {
        case STARTS_WITH -> s.startsWith(q);
        case ENDS_WITH -> s.endsWith(q);
        case CONTAINS -> s.contains(q);
      };
    }
  }

  /** {@code size(text)}: the number of code points, as an int. */
  record Size(CompiledExpr text) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object t = text.eval(row);
      if (!(t instanceof String s)) return ERROR;
      return (long) s.codePointCount(0, s.length());
    }
  }

  /**
   * {@code text.matches(pattern)} with a constant pattern.
   *
   * @param pattern the compiled pattern
   * @param whole whether the pattern must match the whole text (CEL's option {@code
   *     enableRegexPartialMatch} off) or any part of it
   */
  record Matches(CompiledExpr text, com.google.re2j.Pattern pattern, boolean whole)
      implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object t = text.eval(row);
      if (!(t instanceof String s)) return ERROR;
      com.google.re2j.Matcher m = pattern.matcher(s);
      return whole ? m.matches() : m.find();
    }
  }
}
