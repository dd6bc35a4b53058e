package dev.locality.activities.stages.csv.filter;

/**
 * CEL's logical operators. {@code &&} and {@code ||} are commutative with respect to errors, as in
 * CEL: {@code false && error} and {@code error && false} are both false, {@code true || error} and
 * {@code error || true} both true; otherwise an error makes the result an error.
 *
 * <p>A left operand that is a value but not a bool (a null bool column) is where CEL's two runtimes
 * differ: the standard runtime fails at once ({@code null && false} is an error), the planner
 * treats it like an error ({@code null && false} is false). {@code strict} chooses the standard
 * runtime's rule. Immutable and thread-safe.
 */
final class Logic {
  private Logic() {}

  /** {@code left && right}. */
  record And(CompiledExpr left, CompiledExpr right, boolean strict) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object l = left.eval(row);
      if (Boolean.FALSE.equals(l)) return Boolean.FALSE;
      if (strict && l != ERROR && !(l instanceof Boolean)) return ERROR;
      Object r = right.eval(row);
      if (Boolean.FALSE.equals(r)) return Boolean.FALSE;
      return Boolean.TRUE.equals(l) && Boolean.TRUE.equals(r) ? Boolean.TRUE : ERROR;
    }
  }

  /** {@code left || right}. */
  record Or(CompiledExpr left, CompiledExpr right, boolean strict) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object l = left.eval(row);
      if (Boolean.TRUE.equals(l)) return Boolean.TRUE;
      if (strict && l != ERROR && !(l instanceof Boolean)) return ERROR;
      Object r = right.eval(row);
      if (Boolean.TRUE.equals(r)) return Boolean.TRUE;
      return Boolean.FALSE.equals(l) && Boolean.FALSE.equals(r) ? Boolean.FALSE : ERROR;
    }
  }

  /** {@code !operand}. */
  record Not(CompiledExpr operand) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object v = operand.eval(row);
      if (Boolean.TRUE.equals(v)) return Boolean.FALSE;
      if (Boolean.FALSE.equals(v)) return Boolean.TRUE;
      return ERROR;
    }
  }

  /** {@code condition ? then : otherwise}; an error or non-bool condition is an error. */
  record Conditional(CompiledExpr condition, CompiledExpr then, CompiledExpr otherwise)
      implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      Object c = condition.eval(row);
      if (Boolean.TRUE.equals(c)) return then.eval(row);
      if (Boolean.FALSE.equals(c)) return otherwise.eval(row);
      return ERROR;
    }
  }
}
