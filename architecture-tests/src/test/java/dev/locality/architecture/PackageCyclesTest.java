package dev.locality.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** No package of any module's main code takes part in a dependency cycle (issue 13). */
class PackageCyclesTest {
  /**
   * Every package under {@code dev.locality} is one slice; the slices form no cycle, within a
   * module or across modules.
   */
  static final ArchRule NO_PACKAGE_CYCLES =
      slices()
          .matching("dev.locality.(**)")
          .namingSlices("dev.locality.$1")
          .should()
          .beFreeOfCycles()
          .because(
              "packages in a cycle can only be understood, tested and changed together; move the"
                  + " shared piece to the package both use");

  @Test
  void noPackageCycles() {
    NO_PACKAGE_CYCLES.check(LocalityClasses.main());
  }
}
