package dev.locality.activities.stages.csv.filter;

/**
 * One node of a CEL expression compiled to plain Java by {@link CelPredicateCompiler}: it computes
 * the node's value over a row exactly as CEL's standard runtime would, or {@link #ERROR} where CEL
 * would raise an error. Values are those the {@code transform-csv} stage gives CEL: {@code Long},
 * {@code Double}, {@code Boolean}, {@code String}, or {@code null} for CEL's null.
 *
 * <p>Implementations are immutable and thread-safe; the row is only read.
 */
public interface CompiledExpr {
  /**
   * The value of an expression that CEL would fail on. Only its presence is meaningful: the caller
   * re-runs CEL to obtain the error's message.
   */
  Object ERROR =
      new Object() {
        @Override
        public String toString() {
          return "<error>";
        }
      };

  /**
   * Evaluates the node.
   *
   * @param row the row's values by column index
   * @return the value, or {@link #ERROR}
   */
  Object eval(Object[] row);
}
