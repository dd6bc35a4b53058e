package dev.locality.activities.stages.csv.filter;

import java.util.List;

/**
 * CEL's {@code ==}, {@code !=} and {@code in} (over a list literal), for operands the compiler has
 * checked to be of one static type or null. An error operand makes the result an error; otherwise
 * the result never fails: null equals only null, values of different runtime types are unequal,
 * doubles compare with Java's {@code ==} ({@code -0.0 == 0.0}) except that, as in CEL's Java
 * runtime, one and the same object equals itself: a NaN column equals itself ({@code d == d}), a
 * NaN from a conversion is unequal to another ({@code double(s) == double(s)} is false). Immutable
 * and thread-safe.
 */
final class Equality {
  private Equality() {}

  /**
   * CEL equality of two stage values, neither of them {@link CompiledExpr#ERROR}.
   *
   * @return whether CEL's {@code ==} holds
   */
  static boolean equal(Object a, Object b) {
    if (a == b) return true; // CEL's Java runtime checks identity first (NaN == same NaN)
    if (a == null || b == null) return false;
    if (a instanceof Double x && b instanceof Double y) return x.doubleValue() == y.doubleValue();
    return a.equals(b);
  }

  /** {@code left == right}, or {@code left != right} when {@code negated}. */
  record Equals(CompiledExpr left, CompiledExpr right, boolean negated) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object l = left.eval(row);
      Object r = right.eval(row);
      if (l == ERROR || r == ERROR) return ERROR;
      return equal(l, r) != negated;
    }
  }

  /** {@code element in [v1, v2, ...]}. */
  record In(CompiledExpr element, List<Object> values) implements CompiledExpr {
    In {
      values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    @Override
    public Object eval(Object[] row) {
      Object e = element.eval(row);
      if (e == ERROR) return ERROR;
      for (Object v : values) {
        if (equal(e, v)) return Boolean.TRUE;
      }
      return Boolean.FALSE;
    }
  }
}
