package dev.locality.activities.stages;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVRecord;

/**
 * A CEL boolean expression over one CSV row, each column a {@code string} variable named after the
 * column (renamed where renamed), for example {@code region == "EU" && double(amount) > 10.0}.
 * Standard macros and the CEL strings extension ({@code lowerAscii}, {@code split}, ...) are
 * available.
 *
 * <p>Compiled once per file, when the header is known: an unknown column is a compile error. The
 * runtime is chosen by the running JDK: the planner runtime on JDK 21 and newer, the standard
 * runtime before (the planner is slower on JDK 17). One instance holds one reusable variable
 * resolver over the current row, so it is <b>not thread-safe</b>: one per thread.
 */
final class CelRowFilter {
  /** The expression's source name in CEL messages: the option it came from. */
  static final String SOURCE_NAME = "filter";

  static final boolean USE_PLANNER = Runtime.version().feature() >= 21;

  private static final CelParser PARSER =
      CelParserFactory.standardCelParserBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings())
          .build();

  private final CelRuntime.Program program;
  private final RowResolver resolver;

  private CelRowFilter(CelRuntime.Program program, RowResolver resolver) {
    this.program = program;
    this.resolver = resolver;
  }

  /**
   * Checks what can be checked before the header is known: the syntax, and the types with every
   * identifier the expression uses declared as a string column (so a non-bool result or a wrong
   * function call is found now; an unknown column only once the header is known).
   *
   * @return CEL's message, or null when it passes
   */
  static String earlyProblem(String expression) {
    CelValidationResult parsed = PARSER.parse(expression, SOURCE_NAME);
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
    CelValidationResult checked = compiler(identifiers).compile(expression, SOURCE_NAME);
    return checked.hasError() ? checked.getErrorString() : null;
  }

  /**
   * Compiles the expression for rows whose variable {@code columns.get(i)} is the record's field
   * {@code sourceIndexes[i]}. Column names that occur twice are left undeclared (ambiguous).
   *
   * @param usePlanner the planner runtime or the standard one; see {@link #USE_PLANNER}
   * @throws IllegalArgumentException with CEL's message when it does not compile to a bool
   */
  static CelRowFilter compile(
      String expression, List<String> columns, int[] sourceIndexes, boolean usePlanner) {
    Map<String, Integer> indexByName = new HashMap<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      occurrences.merge(columns.get(i), 1, Integer::sum);
      indexByName.put(columns.get(i), sourceIndexes[i]);
    }
    occurrences.forEach(
        (name, count) -> {
          if (count > 1) indexByName.remove(name);
        });
    CelValidationResult result =
        compiler(List.copyOf(indexByName.keySet())).compile(expression, SOURCE_NAME);
    if (result.hasError()) throw new IllegalArgumentException(result.getErrorString());
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      CelRuntime runtime =
          (usePlanner
                  ? CelRuntimeFactory.plannerRuntimeBuilder()
                  : CelRuntimeFactory.standardCelRuntimeBuilder())
              .addLibraries(CelExtensions.strings())
              .build();
      return new CelRowFilter(runtime.createProgram(ast), new RowResolver(indexByName));
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Evaluates the expression on {@code row}, which must have a field for every column.
   *
   * @throws CelEvaluationException for a runtime error on this row (for example {@code
   *     double('abc')}): the row is rejected, the stage goes on
   */
  boolean test(CSVRecord row) throws CelEvaluationException {
    resolver.row = row;
    Object result = program.eval(resolver);
    if (result instanceof Boolean b) return b;
    throw new CelEvaluationException("filter returned " + result + " instead of a bool");
  }

  private static CelCompiler compiler(List<String> columns) {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings())
            .setResultType(SimpleType.BOOL);
    for (String column : columns) builder.addVar(column, SimpleType.STRING);
    return builder.build();
  }

  /**
   * Resolves column variables from the current row. Always returns a value for a declared column
   * (the standard runtime would otherwise yield an unknown-set instead of failing).
   */
  private static final class RowResolver implements CelVariableResolver {
    private final Map<String, Integer> indexByName;
    private CSVRecord row;

    RowResolver(Map<String, Integer> indexByName) {
      this.indexByName = indexByName;
    }

    @Override
    public Optional<Object> find(String name) {
      Integer index = indexByName.get(name);
      return index == null ? Optional.empty() : Optional.of(row.get(index));
    }
  }
}
