package dev.locality.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The layering between modules, by their packages:
 *
 * <pre>
 * stage-api      dev.locality.stage..          (the JDK only)
 * stage-testkit  dev.locality.stage.testkit..  (+ stage-api)
 * api            dev.locality.api..
 * workflows      dev.locality.workflows..
 * activities     dev.locality.activities..
 * worker-app     dev.locality.worker..
 * starter-app    dev.locality.cli..
 * bench          dev.locality.bench..
 * example plugin dev.locality.examples..       (the JDK and stage-api only)
 * sql plugin     dev.locality.stages..         (the JDK, stage-api and DuckDB's driver only)
 * </pre>
 */
class ModuleLayeringTest {
  private static final String STAGE_API = "dev.locality.stage..";
  private static final String TESTKIT = "dev.locality.stage.testkit..";
  private static final String API = "dev.locality.api..";
  private static final String WORKFLOWS = "dev.locality.workflows..";
  private static final String ACTIVITIES = "dev.locality.activities..";
  private static final String WORKER = "dev.locality.worker..";
  private static final String CLI = "dev.locality.cli..";
  private static final String BENCH = "dev.locality.bench..";

  /** The stage API without the test kit (which lives in a subpackage, in its own module). */
  private static final DescribedPredicate<JavaClass> STAGE_API_ONLY =
      resideInAPackage(STAGE_API)
          .and(not(resideInAPackage(TESTKIT)))
          .as("the stage API (dev.locality.stage.., not its testkit)");

  static final ArchRule STAGE_API_DEPENDS_ONLY_ON_THE_JDK =
      classes()
          .that(STAGE_API_ONLY)
          .should()
          .onlyDependOnClassesThat(resideInAPackage("java..").or(STAGE_API_ONLY))
          .because("plugins compile against the stage API alone: no third-party library");

  static final ArchRule STAGE_TESTKIT_DEPENDS_ONLY_ON_THE_JDK_AND_THE_STAGE_API =
      classes()
          .that()
          .resideInAPackage(TESTKIT)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", STAGE_API)
          .because("plugins add the test kit in test scope and nothing else");

  static final ArchRule API_NEVER_DEPENDS_ON_WORKFLOWS_ACTIVITIES_WORKER_CLI_OR_BENCH =
      noClasses()
          .that()
          .resideInAPackage(API)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(WORKFLOWS, ACTIVITIES, WORKER, CLI, BENCH)
          .because("the workflow contracts and the spec are what every other module builds on");

  static final ArchRule WORKFLOWS_NEVER_DEPEND_ON_ACTIVITIES_WORKER_OR_CLI =
      noClasses()
          .that()
          .resideInAPackage(WORKFLOWS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ACTIVITIES, WORKER, CLI, BENCH)
          .because("workflow code talks to activities only through the contracts in api");

  static final ArchRule ACTIVITIES_NEVER_DEPEND_ON_WORKFLOWS_WORKER_OR_CLI =
      noClasses()
          .that()
          .resideInAPackage(ACTIVITIES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(WORKFLOWS, WORKER, CLI, BENCH)
          .because("activities run stages; the workflow side and the applications sit elsewhere");

  static final ArchRule WORKER_NEVER_DEPENDS_ON_CLI =
      noClasses()
          .that()
          .resideInAPackage(WORKER)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(CLI, BENCH)
          .because("the CLI embeds the worker, never the other way round");

  static final ArchRule NOTHING_BUT_BENCH_DEPENDS_ON_BENCH =
      noClasses()
          .that()
          .resideOutsideOfPackage(BENCH)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(BENCH)
          .because("the benchmark harness is a tool of the repository, not part of the product");

  static final ArchRule THE_EXAMPLE_PLUGIN_DEPENDS_ONLY_ON_THE_JDK_AND_THE_STAGE_API =
      classes()
          .that()
          .resideInAPackage("dev.locality.examples..")
          .should()
          .onlyDependOnClassesThat(
              resideInAnyPackage("java..", "dev.locality.examples..").or(STAGE_API_ONLY))
          .because("a plugin sees the stage API and nothing else of the worker");

  static final ArchRule THE_SQL_PLUGIN_DEPENDS_ONLY_ON_THE_JDK_THE_STAGE_API_AND_DUCKDB =
      classes()
          .that()
          .resideInAPackage("dev.locality.stages..")
          .should()
          .onlyDependOnClassesThat(
              resideInAnyPackage("java..", "dev.locality.stages..", "org.duckdb..")
                  .or(STAGE_API_ONLY))
          .because("a plugin sees the stage API and its own libraries, nothing else of the worker");

  @Test
  void theSqlPluginDependsOnlyOnTheJdkTheStageApiAndDuckDb() {
    THE_SQL_PLUGIN_DEPENDS_ONLY_ON_THE_JDK_THE_STAGE_API_AND_DUCKDB.check(LocalityClasses.main());
  }

  @Test
  void stageApiDependsOnlyOnTheJdk() {
    STAGE_API_DEPENDS_ONLY_ON_THE_JDK.check(LocalityClasses.main());
  }

  @Test
  void stageTestkitDependsOnlyOnTheJdkAndTheStageApi() {
    STAGE_TESTKIT_DEPENDS_ONLY_ON_THE_JDK_AND_THE_STAGE_API.check(LocalityClasses.main());
  }

  @Test
  void apiNeverDependsOnWorkflowsActivitiesWorkerCliOrBench() {
    API_NEVER_DEPENDS_ON_WORKFLOWS_ACTIVITIES_WORKER_CLI_OR_BENCH.check(LocalityClasses.main());
  }

  @Test
  void workflowsNeverDependOnActivitiesWorkerOrCli() {
    WORKFLOWS_NEVER_DEPEND_ON_ACTIVITIES_WORKER_OR_CLI.check(LocalityClasses.main());
  }

  @Test
  void activitiesNeverDependOnWorkflowsWorkerOrCli() {
    ACTIVITIES_NEVER_DEPEND_ON_WORKFLOWS_WORKER_OR_CLI.check(LocalityClasses.main());
  }

  @Test
  void workerNeverDependsOnCli() {
    WORKER_NEVER_DEPENDS_ON_CLI.check(LocalityClasses.main());
  }

  @Test
  void nothingButBenchDependsOnBench() {
    NOTHING_BUT_BENCH_DEPENDS_ON_BENCH.check(LocalityClasses.main());
  }

  @Test
  void theExamplePluginDependsOnlyOnTheJdkAndTheStageApi() {
    THE_EXAMPLE_PLUGIN_DEPENDS_ONLY_ON_THE_JDK_AND_THE_STAGE_API.check(LocalityClasses.main());
  }
}
