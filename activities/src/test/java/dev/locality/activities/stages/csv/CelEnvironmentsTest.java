package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.CelType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelEnvironmentsTest {
  @Test
  void equalDeclarationsShareOneCompiler() {
    Map<String, CelType> a = new HashMap<>(Map.of("status", SimpleType.STRING));
    Map<String, CelType> b = new HashMap<>(Map.of("status", SimpleType.STRING));
    assertThat(CelEnvironments.compiler(a, true)).isSameAs(CelEnvironments.compiler(b, true));
  }

  @Test
  void differentDeclarationsOrResultTypesGetTheirOwnCompiler() {
    CelCompiler strings = CelEnvironments.compiler(Map.of("x", SimpleType.STRING), true);
    assertThat(CelEnvironments.compiler(Map.of("x", SimpleType.STRING), false))
        .isNotSameAs(strings);
    assertThat(CelEnvironments.compiler(Map.of("x", NullableType.create(SimpleType.STRING)), true))
        .isNotSameAs(strings);
    assertThat(CelEnvironments.compiler(Map.of("y", SimpleType.STRING), true)).isNotSameAs(strings);
  }

  @Test
  void aCachedCompilerDeclaresOnlyItsOwnVariablesAndResultType() {
    CelEnvironments.compiler(Map.of("a", SimpleType.STRING, "b", SimpleType.STRING), true);
    CelCompiler onlyA = CelEnvironments.compiler(Map.of("a", SimpleType.STRING), true);
    assertThat(onlyA.compile("a == \"x\"", "filter").hasError()).isFalse();
    assertThat(onlyA.compile("b == \"x\"", "filter").getErrorString())
        .contains("undeclared reference to 'b'");
    assertThat(onlyA.compile("a", "filter").getErrorString()).contains("bool");
    assertThat(
            CelEnvironments.compiler(Map.of("a", SimpleType.STRING), false).compile("a").hasError())
        .isFalse();
  }

  @Test
  void theCacheIsBounded() {
    for (int i = 0; i < CelEnvironments.MAX_COMPILERS + 5; i++) {
      CelEnvironments.compiler(Map.of("column" + i, SimpleType.STRING), true);
    }
    assertThat(CelEnvironments.cachedCompilers()).isEqualTo(CelEnvironments.MAX_COMPILERS);
  }

  @Test
  void thePlannerAndTheStandardRuntimeAreSingletons() {
    assertThat(CelEnvironments.runtime(true)).isSameAs(CelEnvironments.runtime(true));
    assertThat(CelEnvironments.runtime(false)).isSameAs(CelEnvironments.runtime(false));
    assertThat(CelEnvironments.runtime(true)).isNotSameAs(CelEnvironments.runtime(false));
  }

  @Test
  void checkResultsAreSharedAndEqualToAFreshCompilersOnes() throws Exception {
    Map<String, CelType> vars = Map.of("status", SimpleType.STRING);
    var first = CelEnvironments.compile("status != \"x\"", "filter", vars, true);
    assertThat(CelEnvironments.compile("status != \"x\"", "filter", new HashMap<>(vars), true))
        .isSameAs(first);
    assertThat(first.getAst().getResultType()).isEqualTo(SimpleType.BOOL);

    var fresh =
        dev.cel.compiler.CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addLibraries(dev.cel.extensions.CelExtensions.strings())
            .setResultType(SimpleType.BOOL)
            .addVar("status", SimpleType.STRING)
            .build();
    assertThat(
            CelEnvironments.compile("size(status) + nope", "derive.x", vars, true).getErrorString())
        .isEqualTo(fresh.compile("size(status) + nope", "derive.x").getErrorString());
    assertThat(CelEnvironments.compile("status", "filter", vars, true).getErrorString())
        .isEqualTo(fresh.compile("status", "filter").getErrorString());
  }

  @Test
  void theSourceNameIsPartOfTheKey() {
    Map<String, CelType> vars = Map.of("a", SimpleType.STRING);
    assertThat(CelEnvironments.compile("a +", "filter", vars, true).getErrorString())
        .contains("filter");
    assertThat(CelEnvironments.compile("a +", "derive.b", vars, true).getErrorString())
        .contains("derive.b")
        .doesNotContain("filter");
    assertThat(CelEnvironments.parse("a +", "derive.b").getErrorString()).contains("derive.b");
  }

  @Test
  void aCheckedExpressionHasOneProgramPerRuntime() throws Exception {
    var ast =
        CelEnvironments.compile("a == \"x\"", "filter", Map.of("a", SimpleType.STRING), true)
            .getAst();
    assertThat(CelEnvironments.program(ast, true)).isSameAs(CelEnvironments.program(ast, true));
    assertThat(CelEnvironments.program(ast, false)).isNotSameAs(CelEnvironments.program(ast, true));
    assertThat(CelEnvironments.program(ast, true).eval(Map.of("a", "x"))).isEqualTo(true);
  }
}
