package dev.locality.activities.stages.csv.filter;

/**
 * CEL's conversions {@code double(string)}, {@code double(int)}, {@code double(double)}, {@code
 * int(string)} and {@code int(int)}, with CEL's Java runtime's parsing ({@link Double#parseDouble},
 * {@link Long#parseLong}): text that does not parse, or an argument of another runtime type (null,
 * or an error), is an error. Immutable and thread-safe.
 *
 * @param overload CEL's overload
 */
record Conversion(Overload overload, CompiledExpr argument) implements CompiledExpr {

  /** The supported overloads, by CEL overload id. */
  enum Overload {
    STRING_TO_DOUBLE("string_to_double"),
    INT64_TO_DOUBLE("int64_to_double"),
    DOUBLE_TO_DOUBLE("double_to_double"),
    STRING_TO_INT64("string_to_int64"),
    INT64_TO_INT64("int64_to_int64");

    final String id;

    Overload(String id) {
      this.id = id;
    }
  }

  @Override
  public Object eval(Object[] row) {
    Object v = argument.eval(row);
    try {
      return switch (overload) {
        case STRING_TO_DOUBLE -> v instanceof String s ? (Object) Double.parseDouble(s) : ERROR;
        case INT64_TO_DOUBLE -> v instanceof Long l ? (Object) l.doubleValue() : ERROR;
        case DOUBLE_TO_DOUBLE -> v instanceof Double ? v : ERROR;
        case INT64_TO_INT64 -> v instanceof Long ? v : ERROR;
        case STRING_TO_INT64 -> v instanceof String s ? (Object) Long.parseLong(s) : ERROR;
      };
    } catch (NumberFormatException e) {
      return ERROR;
    }
  }
}
