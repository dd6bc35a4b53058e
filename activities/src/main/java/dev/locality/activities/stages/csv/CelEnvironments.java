package dev.locality.activities.stages.csv;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
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
import java.util.Map;

/**
 * CEL's compilers, runtimes and the results of parsing, type-checking and planning expressions, for
 * {@link CelRowFilter}: built once and shared. Building a compiler declares CEL's whole standard
 * environment (every overload) and each type-check builds that environment again, which costs far
 * more than the rest of a small pipeline's filter; every small pipeline checked the same filter
 * three times (the workflow's spec check, the stage's option check, the stage itself).
 *
 * <p>Each cache is bounded, least recently used first out: compilers per (declared variables with
 * their types, whether the result must be a bool), parse results per (expression, source name),
 * type-check results per (expression, source name, variables, bool result), programs per checked
 * expression and runtime. The two runtimes (planner, standard) are singletons. All of these are
 * immutable in CEL and a pure function of their key, so a shared one gives exactly the results of a
 * fresh one. Thread-safe.
 */
final class CelEnvironments {
  /** Compilers kept: distinct column sets in use at once on one worker are few. */
  static final int MAX_COMPILERS = 32;

  /** Parse, check and program results kept (each: an expression's small syntax tree). */
  static final int MAX_EXPRESSIONS = 256;

  private static final CelParser PARSER =
      CelParserFactory.standardCelParserBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings())
          .build();

  private static final CelRuntime PLANNER =
      CelRuntimeFactory.plannerRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private static final CelRuntime STANDARD =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private static final BoundedCache<CompilerKey, CelCompiler> COMPILERS =
      new BoundedCache<>(MAX_COMPILERS);
  private static final BoundedCache<Source, CelValidationResult> PARSED =
      new BoundedCache<>(MAX_EXPRESSIONS);
  private static final BoundedCache<CheckKey, CelValidationResult> CHECKED =
      new BoundedCache<>(MAX_EXPRESSIONS);
  private static final BoundedCache<ProgramKey, CelRuntime.Program> PROGRAMS =
      new BoundedCache<>(MAX_EXPRESSIONS);

  private CelEnvironments() {}

  /**
   * A compiler with the standard macros and the strings extension, {@code variables} declared, and
   * a bool result type when {@code boolResult}. The same instance for equal arguments while cached.
   */
  static CelCompiler compiler(Map<String, CelType> variables, boolean boolResult) {
    return COMPILERS.get(
        new CompilerKey(Map.copyOf(variables), boolResult), CelEnvironments::buildCompiler);
  }

  /** The syntax check of {@code expression} (standard macros, strings extension). */
  static CelValidationResult parse(String expression, String sourceName) {
    return PARSED.get(new Source(expression, sourceName), s -> PARSER.parse(s.expression, s.name));
  }

  /** {@link #compiler}{@code (variables, boolResult).compile(expression, sourceName)}. */
  static CelValidationResult compile(
      String expression, String sourceName, Map<String, CelType> variables, boolean boolResult) {
    return CHECKED.get(
        new CheckKey(new Source(expression, sourceName), Map.copyOf(variables), boolResult),
        k -> compiler(k.variables, k.boolResult).compile(k.source.expression, k.source.name));
  }

  /** The program of a checked expression on the planner runtime or the standard one. */
  static CelRuntime.Program program(CelAbstractSyntaxTree ast, boolean planner)
      throws CelEvaluationException {
    try {
      return PROGRAMS.get(
          new ProgramKey(ast, planner),
          k -> {
            try {
              return runtime(k.planner).createProgram(k.ast);
            } catch (CelEvaluationException e) {
              throw new ProgramException(e);
            }
          });
    } catch (ProgramException e) {
      throw e.cause;
    }
  }

  /** The planner runtime or the standard one, each with the strings extension. */
  static CelRuntime runtime(boolean planner) {
    return planner ? PLANNER : STANDARD;
  }

  /** Compilers cached now (for tests). */
  static int cachedCompilers() {
    return COMPILERS.size();
  }

  private static CelCompiler buildCompiler(CompilerKey key) {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings());
    if (key.boolResult()) builder.setResultType(SimpleType.BOOL);
    key.variables().forEach(builder::addVar);
    return builder.build();
  }

  private record CompilerKey(Map<String, CelType> variables, boolean boolResult) {}

  private record Source(String expression, String name) {}

  private record CheckKey(Source source, Map<String, CelType> variables, boolean boolResult) {}

  /** The syntax tree by identity: a cached check result's tree is the same instance each time. */
  private static final class ProgramKey {
    final CelAbstractSyntaxTree ast;
    final boolean planner;

    ProgramKey(CelAbstractSyntaxTree ast, boolean planner) {
      this.ast = ast;
      this.planner = planner;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ProgramKey k && k.ast == ast && k.planner == planner;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(ast) * 31 + (planner ? 1 : 0);
    }
  }

  /** Carries a planning failure out of the cache's compute function (not cached). */
  private static final class ProgramException extends RuntimeException {
    final CelEvaluationException cause;

    ProgramException(CelEvaluationException cause) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
    }
  }
}
