package dev.locality.activities.stages.csv.filter;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a type-checked CEL filter to a {@link CompiledExpr} of plain Java nodes, for the shapes
 * a filter usually has; anything else is left to CEL. The compiled expression gives exactly CEL's
 * result on every row, or {@link CompiledExpr#ERROR} exactly where CEL fails (a caller re-runs CEL
 * then, for its message).
 *
 * <p>Supported, over column variables and int, double, string, bool and null literals:
 *
 * <ul>
 *   <li>{@code ==} and {@code !=} between operands of one static type (or null);
 *   <li>{@code <}, {@code <=}, {@code >}, {@code >=} on int, double, string and bool;
 *   <li>{@code x in [literal, ...]};
 *   <li>{@code &&}, {@code ||}, {@code !} and {@code ? :};
 *   <li>{@code startsWith}, {@code endsWith}, {@code contains}, {@code size} on strings and {@code
 *       matches} with a literal pattern;
 *   <li>the conversions {@code double()} of a string, int or double and {@code int()} of a string
 *       or int.
 * </ul>
 *
 * Macros ({@code all}, {@code exists}...; {@code has} does not apply to the stage's scalar
 * columns), arithmetic, unsigned and bytes literals, the strings extension and everything else are
 * not compiled. The compiled nodes are immutable and thread-safe; so is this class's static method.
 */
public final class CelPredicateCompiler {
  /** What {@link #compile} made. */
  public sealed interface Result {}

  /** The filter, compiled. */
  public record Compiled(CompiledExpr expr) implements Result {}

  /** The filter stays with CEL, and why (the first construct not supported). */
  public record NotCompiled(String reason) implements Result {}

  private static final class Unsupported extends Exception {
    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  private final CelAbstractSyntaxTree ast;
  private final Map<String, Integer> columns;
  private final boolean standardRuntime;

  private CelPredicateCompiler(
      CelAbstractSyntaxTree ast, Map<String, Integer> columns, boolean standardRuntime) {
    this.ast = ast;
    this.columns = columns;
    this.standardRuntime = standardRuntime;
  }

  /**
   * Compiles a checked filter.
   *
   * @param ast the type-checked expression (with its reference and type maps)
   * @param columns variable name to index in the rows it will be evaluated on
   * @param planner whether to give the results of CEL's planner runtime rather than its standard
   *     one (they differ on a null operand of {@code &&} and {@code ||}; see {@link Logic})
   */
  public static Result compile(
      CelAbstractSyntaxTree ast, Map<String, Integer> columns, boolean planner) {
    if (!ast.isChecked()) return new NotCompiled("the expression is not type-checked");
    try {
      CelPredicateCompiler compiler = new CelPredicateCompiler(ast, Map.copyOf(columns), !planner);
      return new Compiled(compiler.node(ast.getExpr()));
    } catch (Unsupported e) {
      return new NotCompiled(e.getMessage());
    }
  }

  private CompiledExpr node(CelExpr expr) throws Unsupported {
    switch (expr.getKind()) {
      case CONSTANT:
        return new Leaf.Literal(literal(expr.constant()));
      case IDENT:
        {
          String name = expr.ident().name();
          Integer index = columns.get(name);
          if (index == null) throw new Unsupported("identifier '" + name + "' is not a column");
          return new Leaf.Column(index);
        }
      case CALL:
        return call(expr);
      default:
        throw new Unsupported("expression kind " + expr.getKind());
    }
  }

  private static Object literal(CelConstant constant) throws Unsupported {
    return switch (constant.getKind()) {
      case NULL_VALUE -> null;
      case BOOLEAN_VALUE -> constant.booleanValue();
      case INT64_VALUE -> constant.int64Value();
      case DOUBLE_VALUE -> constant.doubleValue();
      case STRING_VALUE -> constant.stringValue();
      default -> throw new Unsupported("literal of kind " + constant.getKind());
    };
  }

  private CompiledExpr call(CelExpr expr) throws Unsupported {
    CelExpr.CelCall call = expr.call();
    List<CelExpr> args = new ArrayList<>();
    call.target().ifPresent(args::add);
    args.addAll(call.args());
    String overload = overload(expr);
    switch (overload) {
      case "logical_and":
        return new Logic.And(node(args.get(0)), node(args.get(1)), standardRuntime);
      case "logical_or":
        return new Logic.Or(node(args.get(0)), node(args.get(1)), standardRuntime);
      case "logical_not":
        return new Logic.Not(node(args.get(0)));
      case "conditional":
        return new Logic.Conditional(node(args.get(0)), node(args.get(1)), node(args.get(2)));
      case "equals":
      case "not_equals":
        sameTypeOrNull(args.get(0), args.get(1));
        return new Equality.Equals(
            node(args.get(0)), node(args.get(1)), overload.equals("not_equals"));
      case "in_list":
        return in(args.get(0), args.get(1));
      case "starts_with_string":
        return stringTest(StringFunctions.Predicate.STARTS_WITH, args);
      case "ends_with_string":
        return stringTest(StringFunctions.Predicate.ENDS_WITH, args);
      case "contains_string":
        return stringTest(StringFunctions.Predicate.CONTAINS, args);
      case "size_string":
      case "string_size":
        return new StringFunctions.Size(node(args.get(0)));
      case "matches":
      case "matches_string":
        return matches(args);
      default:
        break;
    }
    for (Conversion.Overload c : Conversion.Overload.values()) {
      if (c.id.equals(overload)) return new Conversion(c, node(args.get(0)));
    }
    for (Ordering.Operator op : Ordering.Operator.values()) {
      for (Ordering.OperandType type : Ordering.OperandType.values()) {
        if (overload.equals(op.overloadPrefix + "_" + type.overloadSuffix)) {
          return new Ordering(op, type, node(args.get(0)), node(args.get(1)));
        }
      }
    }
    throw new Unsupported("function '" + call.function() + "' (overload " + overload + ")");
  }

  /** The call's one overload id, as resolved by the type checker. */
  private String overload(CelExpr expr) throws Unsupported {
    CelReference reference = ast.getReference(expr.id()).orElse(null);
    if (reference == null || reference.overloadIds().size() != 1) {
      throw new Unsupported(
          "function '"
              + expr.call().function()
              + "' has "
              + (reference == null ? "no" : reference.overloadIds().size())
              + " candidate overloads");
    }
    return reference.overloadIds().get(0);
  }

  private CompiledExpr in(CelExpr element, CelExpr list) throws Unsupported {
    if (list.getKind() != CelExpr.ExprKind.Kind.LIST || !list.list().optionalIndices().isEmpty()) {
      throw new Unsupported("'in' over something other than a list literal");
    }
    List<Object> values = new ArrayList<>();
    for (CelExpr e : list.list().elements()) {
      if (e.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
        throw new Unsupported("'in' over a list with a non-literal element");
      }
      sameTypeOrNull(element, e);
      values.add(literal(e.constant()));
    }
    return new Equality.In(node(element), values);
  }

  private CompiledExpr stringTest(StringFunctions.Predicate predicate, List<CelExpr> args)
      throws Unsupported {
    return new StringFunctions.Test(predicate, node(args.get(0)), node(args.get(1)));
  }

  private CompiledExpr matches(List<CelExpr> args) throws Unsupported {
    CelExpr pattern = args.get(1);
    if (pattern.getKind() != CelExpr.ExprKind.Kind.CONSTANT
        || pattern.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
      throw new Unsupported("'matches' with a pattern that is not a string literal");
    }
    Pattern compiled;
    try {
      compiled = Pattern.compile(pattern.constant().stringValue());
    } catch (PatternSyntaxException e) {
      throw new Unsupported("'matches' with an invalid pattern");
    }
    // CEL's runtime factories use CelOptions.current(), where enableRegexPartialMatch is on.
    return new StringFunctions.Matches(node(args.get(0)), compiled, false);
  }

  /**
   * Checks that two operands of {@code ==} (or an element and a list value of {@code in}) have one
   * static type, nullable or not, or that one is null: CEL's heterogeneous equality between other
   * types (an int against a double under {@code dyn}) is not reproduced.
   */
  private void sameTypeOrNull(CelExpr a, CelExpr b) throws Unsupported {
    CelType ta = staticType(a);
    CelType tb = staticType(b);
    if (ta.equals(SimpleType.NULL_TYPE) || tb.equals(SimpleType.NULL_TYPE)) return;
    if (!ta.equals(tb) || !supported(ta)) {
      throw new Unsupported("equality between " + ta.name() + " and " + tb.name());
    }
  }

  private static boolean supported(CelType type) {
    return type.equals(SimpleType.INT)
        || type.equals(SimpleType.DOUBLE)
        || type.equals(SimpleType.STRING)
        || type.equals(SimpleType.BOOL);
  }

  private CelType staticType(CelExpr expr) throws Unsupported {
    CelType type = ast.getType(expr.id()).orElse(null);
    if (type == null) throw new Unsupported("an operand without a type");
    return type instanceof NullableType n ? n.targetType() : type;
  }
}
