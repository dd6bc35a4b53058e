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
}
