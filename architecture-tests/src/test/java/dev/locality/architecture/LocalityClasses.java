package dev.locality.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The main classes of every Locality module ({@code dev.locality..}: stage-api, stage-testkit, api,
 * workflows, activities, worker-app, starter-app, bench and the example plugin), imported once for
 * all rules. Test classes are left out: the rules are about what ships.
 */
final class LocalityClasses {
  private LocalityClasses() {}

  private static JavaClasses main;

  static synchronized JavaClasses main() {
    if (main == null) {
      main =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .importPackages("dev.locality");
    }
    return main;
  }
}
