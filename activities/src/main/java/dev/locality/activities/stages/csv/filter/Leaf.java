package dev.locality.activities.stages.csv.filter;

/** The leaves of a compiled expression: a column of the row and a literal. Immutable. */
final class Leaf {
  private Leaf() {}

  /** A column variable: element {@code index} of the row ({@code null} is CEL's null). */
  record Column(int index) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      return row[index];
    }
  }

  /** A literal: {@code Long}, {@code Double}, {@code Boolean}, {@code String} or {@code null}. */
  record Literal(Object value) implements CompiledExpr {
    @Override
    public Object eval(Object[] row) {
      return value;
    }
  }
}
