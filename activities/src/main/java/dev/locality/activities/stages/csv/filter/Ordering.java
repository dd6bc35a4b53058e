package dev.locality.activities.stages.csv.filter;

/**
 * CEL's ordering operators ({@code <}, {@code <=}, {@code >}, {@code >=}) for one overload: both
 * operands of one type (int, double, string or bool). An operand of another runtime type (null, or
 * an error) is an error, as CEL finds no matching overload. Strings compare as {@link
 * String#compareTo}, doubles with Java's primitive operators (so any comparison with NaN is false),
 * as CEL's Java runtime does. Immutable and thread-safe.
 *
 * @param operator which comparison
 * @param type the overload's operand type
 */
record Ordering(Operator operator, OperandType type, CompiledExpr left, CompiledExpr right)
    implements CompiledExpr {

  /** The comparison, named as in CEL's overload ids ({@code less_int64}, ...). */
  enum Operator {
    LESS("less"),
    LESS_EQUALS("less_equals"),
    GREATER("greater"),
    GREATER_EQUALS("greater_equals");

    final String overloadPrefix;

    Operator(String overloadPrefix) {
      this.overloadPrefix = overloadPrefix;
    }

    boolean holds(int comparison) {
      return switch (this) {
        case LESS -> comparison < 0;
        case LESS_EQUALS -> comparison <= 0;
        case GREATER -> comparison > 0;
        case GREATER_EQUALS -> comparison >= 0;
      };
    }

    boolean holds(double x, double y) {
      return switch (this) {
        case LESS -> x < y;
        case LESS_EQUALS -> x <= y;
        case GREATER -> x > y;
        case GREATER_EQUALS -> x >= y;
      };
    }
  }

  /** An overload's operand type, named as in CEL's overload ids, with its runtime class. */
  enum OperandType {
    INT64("int64", Long.class),
    DOUBLE("double", Double.class),
    STRING("string", String.class),
    BOOL("bool", Boolean.class);

    final String overloadSuffix;
    final Class<?> javaClass;

    OperandType(String overloadSuffix, Class<?> javaClass) {
      this.overloadSuffix = overloadSuffix;
      this.javaClass = javaClass;
    }
  }

  @Override
  public Object eval(Object[] row) {
    Object l = left.eval(row);
    Object r = right.eval(row);
    if (!type.javaClass.isInstance(l) || !type.javaClass.isInstance(r)) return ERROR;
    boolean result =
        switch (type) {
          case INT64 -> operator.holds(Long.compare((Long) l, (Long) r));
          case DOUBLE -> operator.holds((Double) l, (Double) r);
          case STRING -> operator.holds(((String) l).compareTo((String) r));
          case BOOL -> operator.holds(Boolean.compare((Boolean) l, (Boolean) r));
        };
    return result;
  }
}
