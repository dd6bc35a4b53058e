package dev.locality.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.locality.activities.stages.download.DownloadStage;
import dev.locality.activities.stages.download.HelperUsingItsStage;
import dev.locality.api.fixture.ApiUsingTheCli;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.architecture.fixture.a.A;
import dev.locality.architecture.fixture.b.B;
import dev.locality.cli.LocalityCli;
import dev.locality.stage.Stage;
import dev.locality.stage.fixture.StageApiUsingALibrary;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules are not vacuous: every module's main classes are imported, and each rule fails on a
 * small fixture (test classes, never part of {@link LocalityClasses#main()}) that breaks it.
 */
class RulesSeeViolationsTest {
  @Test
  void theMainClassesOfEveryModuleAreImported() {
    JavaClasses main = LocalityClasses.main();
    for (String name :
        List.of(
            "dev.locality.stage.Stage",
            "dev.locality.stage.testkit.StageTestRunner",
            "dev.locality.api.spec.PipelineSpec",
            "dev.locality.workflows.PipelineWorkflowImpl",
            "dev.locality.activities.stages.download.DownloadStage",
            "dev.locality.worker.StageCatalog",
            "dev.locality.cli.LocalityCli",
            "dev.locality.bench.Bench",
            "dev.locality.examples.csvjsonl.CsvToJsonlStage")) {
      assertThat(main.contain(name)).as(name).isTrue();
    }
    assertThat(main.contain(HelperUsingItsStage.class)).as("test classes are left out").isFalse();
  }

  @Test
  void aPackageCycleIsSeen() {
    assertViolated(PackageCyclesTest.NO_PACKAGE_CYCLES, A.class, B.class);
  }

  @Test
  void aLayeringViolationIsSeen() {
    assertViolated(
        ModuleLayeringTest.API_NEVER_DEPENDS_ON_WORKFLOWS_ACTIVITIES_WORKER_CLI_OR_BENCH,
        ApiUsingTheCli.class,
        PipelineSpec.class,
        LocalityCli.class);
    assertViolated(
        ModuleLayeringTest.STAGE_API_DEPENDS_ONLY_ON_THE_JDK,
        StageApiUsingALibrary.class,
        Stage.class);
  }

  @Test
  void aHelperThatDependsOnItsStageIsSeen() {
    assertViolated(
        StagePackagesTest.STAGE_HELPERS_NEVER_DEPEND_ON_THEIR_STAGE,
        HelperUsingItsStage.class,
        DownloadStage.class);
  }

  @Test
  void commentsDoNotCountAsNamingTheStage() {
    String code =
        StagePackagesTest.withoutComments(
            """
            /** Helps {@link DownloadStage}. */
            final class X { // DownloadStage
              String url = "http://host/DownloadStage"; /* DownloadStage */
            }
            """);

    assertThat(code).doesNotContain("{@link DownloadStage}", "// DownloadStage", "/* Down");
    assertThat(code).contains("\"http://host/DownloadStage\"");
  }

  private static void assertViolated(ArchRule rule, Class<?>... classes) {
    JavaClasses imported = new ClassFileImporter().importClasses(classes);
    assertThatThrownBy(() -> rule.check(imported))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(classes[0].getName());
  }
}
