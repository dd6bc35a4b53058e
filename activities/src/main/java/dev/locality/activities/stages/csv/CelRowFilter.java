package dev.locality.activities.stages.csv;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.locality.activities.stages.csv.filter.CelPredicateCompiler;
import dev.locality.activities.stages.csv.filter.CompiledExpr;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CEL expression over one CSV row: the {@code filter} (which must return a bool) or one {@code
 * derive} column (any scalar result). Each column is a variable named after the column (renamed
 * where renamed) of its declared type: {@code string}, or the CEL type of its entry in {@code
 * types}, wrapped as nullable when the stage maps values to null. For example {@code region == "EU"
 * && double(amount) > 10.0}. Standard macros and the CEL strings extension ({@code lowerAscii},
 * {@code split}, ...) are available.
 *
 * <p>Compiled once per file, when the header is known: an unknown column is a compile error. The
 * compilers, runtimes, checked expressions and programs are shared ({@link CelEnvironments}); only
 * the variable resolver is this instance's. The runtime is CEL's planner runtime on every JDK, so a
 * filter gives the same rows on JDK 17 and on the image's newer JDK: the standard runtime rejects a
 * row where a null {@code bool} column meets {@code && false} or {@code || true}, the planner (like
 * the CEL spec: errors are absorbed by {@code &&} and {@code ||}) does not. The planner is 3-4x
 * faster than the standard runtime on JDK 21+ and within ±25% of it on JDK 17, where the compiled
 * path below carries the common shapes anyway. One instance holds one reusable variable resolver
 * over the current row, so it is <b>not thread-safe</b>: one per thread.
 *
 * <p>A filter whose shape {@link CelPredicateCompiler} supports (comparisons, {@code in}, logic,
 * string functions over columns and literals) is also compiled to plain Java when it is compiled,
 * and evaluated that way, with exactly CEL's results: a few to a few tens of nanoseconds per row
 * instead of CEL's hundreds on JDK 17 ({@code status != "cancelled"}: 6 ns against 234). Only rows
 * where the compiled filter meets an error go through CEL, which then raises the error with its own
 * message. {@link #compiledToJava()} and a debug log line say which was chosen.
 */
final class CelRowFilter {
  /** The filter's source name in CEL messages: the option it came from. */
  static final String SOURCE_NAME = "filter";

  /** Always the planner runtime: one semantics on every JDK (see the class comment). */
  static final boolean USE_PLANNER = true;

  private static final Logger LOG = LoggerFactory.getLogger(CelRowFilter.class);

  private final CelRuntime.Program program;
  private final RowResolver resolver;
  private final boolean boolResult;
  private final CompiledExpr compiled;
  private final int[] fieldsUsed;

  private CelRowFilter(
      CelRuntime.Program program,
      RowResolver resolver,
      boolean boolResult,
      CompiledExpr compiled,
      int[] fieldsUsed) {
    this.fieldsUsed = fieldsUsed;
    this.program = program;
    this.resolver = resolver;
    this.boolResult = boolResult;
    this.compiled = compiled;
  }

  /** {@link #earlyProblem(String, String, boolean, Function)} for a filter over string columns. */
  static String earlyProblem(String expression) {
    return earlyProblem(expression, SOURCE_NAME, true, name -> SimpleType.STRING);
  }

  /**
   * Checks what can be checked before the header is known: the syntax, and the types with every
   * identifier the expression uses declared as a column of type {@code typeOf(identifier)} (so a
   * wrong result type or a wrong function call is found now; an unknown column only once the header
   * is known).
   *
   * @param sourceName the option the expression came from, for messages
   * @param boolResult whether the expression must return a bool
   * @return CEL's message, or null when it passes
   */
  static String earlyProblem(
      String expression, String sourceName, boolean boolResult, Function<String, CelType> typeOf) {
    CelValidationResult parsed = CelEnvironments.parse(expression, sourceName);
    if (parsed.hasError()) return parsed.getErrorString();
    List<String> identifiers;
    try {
      identifiers =
          CelNavigableAst.fromAst(parsed.getAst())
              .getRoot()
              .allNodes()
              .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT)
              .map(node -> node.expr().ident().name())
              .distinct()
              .toList();
    } catch (CelValidationException e) {
      return e.getMessage();
    }
    Map<String, CelType> declared = new HashMap<>();
    identifiers.forEach(id -> declared.put(id, typeOf.apply(id)));
    CelValidationResult checked =
        CelEnvironments.compile(expression, sourceName, declared, boolResult);
    return checked.hasError() ? checked.getErrorString() : null;
  }

  /** A filter over string columns: variable {@code columns.get(i)} is field {@code indexes[i]}. */
  static CelRowFilter compile(
      String expression, List<String> columns, int[] sourceIndexes, boolean usePlanner) {
    Map<String, Integer> indexes = new HashMap<>();
    Map<String, CelType> types = new HashMap<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      occurrences.merge(columns.get(i), 1, Integer::sum);
      indexes.put(columns.get(i), sourceIndexes[i]);
      types.put(columns.get(i), SimpleType.STRING);
    }
    occurrences.forEach(
        (name, count) -> {
          if (count > 1) indexes.remove(name);
        });
    types.keySet().retainAll(indexes.keySet());
    return compile(expression, SOURCE_NAME, true, indexes, types, usePlanner);
  }

  /**
   * Compiles an expression over rows given as {@code Object[]}: variable {@code name} is element
   * {@code indexes.get(name)}, declared as {@code types.get(name)}.
   *
   * @param sourceName the option it came from, for messages
   * @param boolResult whether it must return a bool (a filter)
   * @param usePlanner the planner runtime or the standard one; see {@link #USE_PLANNER}
   * @throws IllegalArgumentException with CEL's message when it does not compile
   */
  static CelRowFilter compile(
      String expression,
      String sourceName,
      boolean boolResult,
      Map<String, Integer> indexes,
      Map<String, CelType> types,
      boolean usePlanner) {
    return compile(expression, sourceName, boolResult, indexes, types, usePlanner, true);
  }

  /**
   * {@link #compile(String, String, boolean, Map, Map, boolean)}, choosing whether a filter may be
   * compiled to Java ({@code toJava}; tests compare both ways).
   */
  static CelRowFilter compile(
      String expression,
      String sourceName,
      boolean boolResult,
      Map<String, Integer> indexes,
      Map<String, CelType> types,
      boolean usePlanner,
      boolean toJava) {
    CelValidationResult result = CelEnvironments.compile(expression, sourceName, types, boolResult);
    if (result.hasError()) throw new IllegalArgumentException(result.getErrorString());
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      CompiledExpr compiled = null;
      if (boolResult && toJava) {
        CelPredicateCompiler.Result javaResult =
            CelPredicateCompiler.compile(ast, indexes, usePlanner);
        if (javaResult instanceof CelPredicateCompiler.Compiled c) {
          compiled = c.expr();
          LOG.debug("{} '{}' runs as a compiled Java predicate", sourceName, expression);
        } else {
          LOG.debug(
              "{} '{}' runs on CEL: {}",
              sourceName,
              expression,
              ((CelPredicateCompiler.NotCompiled) javaResult).reason());
        }
      }
      return new CelRowFilter(
          CelEnvironments.program(ast, usePlanner),
          new RowResolver(Map.copyOf(indexes)),
          boolResult,
          compiled,
          fieldsUsed(ast, indexes));
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Evaluates a filter on a row of strings, which must have a field for every column.
   *
   * @throws CelEvaluationException for a runtime error on this row (for example {@code
   *     double('abc')}): the row is rejected, the stage goes on
   */
  boolean test(org.apache.commons.csv.CSVRecord row) throws CelEvaluationException {
    return test(row.values());
  }

  /** Evaluates a filter on a row (nulls as CEL null). See {@link #test(CSVRecord)}. */
  boolean test(Object[] row) throws CelEvaluationException {
    if (compiled != null) {
      // Where the compiled filter meets an error, CEL raises it with its own message.
      if (compiled.eval(row) instanceof Boolean b) return b;
    }
    Object result = eval(row);
    if (result instanceof Boolean b) return b;
    throw new CelEvaluationException("filter returned " + result + " instead of a bool");
  }

  /**
   * Evaluates the expression on a row (null elements are CEL null).
   *
   * @throws CelEvaluationException for a runtime error on this row
   */
  Object eval(Object[] row) throws CelEvaluationException {
    resolver.row = row;
    return program.eval(resolver);
  }

  /**
   * The row elements the expression reads: those of the column variables it names (elements it does
   * not name are never looked at, so a caller may leave them unset).
   */
  int[] fieldsUsed() {
    return fieldsUsed.clone();
  }

  private static int[] fieldsUsed(CelAbstractSyntaxTree ast, Map<String, Integer> indexes) {
    // identifiers, and the names the checker resolved (a qualified name like a.b is a select)
    java.util.stream.Stream<String> idents =
        CelNavigableAst.fromAst(ast)
            .getRoot()
            .allNodes()
            .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT)
            .map(node -> node.expr().ident().name());
    java.util.stream.Stream<String> resolved =
        ast.getReferenceMap().values().stream().map(reference -> reference.name());
    return java.util.stream.Stream.concat(idents, resolved)
        .map(indexes::get)
        .filter(java.util.Objects::nonNull)
        .mapToInt(Integer::intValue)
        .distinct()
        .sorted()
        .toArray();
  }

  boolean boolResult() {
    return boolResult;
  }

  /** Whether this filter runs as a compiled Java predicate rather than on CEL. */
  boolean compiledToJava() {
    return compiled != null;
  }

  /**
   * The compiled predicate's raw outcome on a row: a Boolean, or {@link CompiledExpr#ERROR} where
   * CEL fails (for tests that compare it with CEL's).
   *
   * @throws IllegalStateException when the filter is not compiled to Java
   */
  Object evalCompiled(Object[] row) {
    if (compiled == null) throw new IllegalStateException("not compiled to Java");
    return compiled.eval(row);
  }

  /**
   * Resolves column variables from the current row. Always returns a value for a declared column
   * (the standard runtime would otherwise yield an unknown-set instead of failing).
   */
  private static final class RowResolver implements CelVariableResolver {
    private final Map<String, Integer> indexByName;
    private Object[] row;

    RowResolver(Map<String, Integer> indexByName) {
      this.indexByName = indexByName;
    }

    @Override
    public Optional<Object> find(String name) {
      Integer index = indexByName.get(name);
      if (index == null) return Optional.empty();
      Object value = row[index];
      return Optional.of(value == null ? NullValue.NULL_VALUE : value);
    }
  }
}
