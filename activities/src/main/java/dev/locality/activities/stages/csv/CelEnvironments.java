package dev.locality.activities.stages.csv;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CEL compilers and runtimes of {@link CelRowFilter}, built once and shared: building one
 * declares CEL's whole standard environment (every overload), which costs far more than compiling a
 * short expression, and every small pipeline compiled the same filter three times (the workflow's
 * spec check, the stage's option check, the stage itself).
 *
 * <p>A compiler is kept per (declared variables with their types, whether the result must be a
 * bool) in a bounded least-recently-used cache of {@link #MAX_COMPILERS}; the two runtimes
 * (planner, standard) are singletons. CEL's compilers and runtimes are immutable, so sharing one
 * between threads and pipelines gives exactly the results of a fresh one. Thread-safe.
 */
final class CelEnvironments {
  /** Compilers kept: distinct column sets in use at once on one worker are few. */
  static final int MAX_COMPILERS = 32;

  private static final CelRuntime PLANNER =
      CelRuntimeFactory.plannerRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private static final CelRuntime STANDARD =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private static final Map<Key, CelCompiler> COMPILERS =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CelCompiler> eldest) {
          return size() > MAX_COMPILERS;
        }
      };

  private CelEnvironments() {}

  /**
   * A compiler with the standard macros and the strings extension, {@code variables} declared, and
   * a bool result type when {@code boolResult}. The same instance for equal arguments while cached.
   */
  static CelCompiler compiler(Map<String, CelType> variables, boolean boolResult) {
    Key key = new Key(Map.copyOf(variables), boolResult);
    synchronized (COMPILERS) {
      CelCompiler cached = COMPILERS.get(key);
      if (cached != null) return cached;
    }
    CelCompiler built = build(key); // outside the lock: building takes milliseconds
    synchronized (COMPILERS) {
      CelCompiler raced = COMPILERS.putIfAbsent(key, built);
      return raced != null ? raced : built;
    }
  }

  /** The planner runtime or the standard one, each with the strings extension. */
  static CelRuntime runtime(boolean planner) {
    return planner ? PLANNER : STANDARD;
  }

  /** Compilers cached now (for tests). */
  static int cachedCompilers() {
    synchronized (COMPILERS) {
      return COMPILERS.size();
    }
  }

  private static CelCompiler build(Key key) {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings());
    if (key.boolResult()) builder.setResultType(SimpleType.BOOL);
    key.variables().forEach(builder::addVar);
    return builder.build();
  }

  private record Key(Map<String, CelType> variables, boolean boolResult) {}
}
