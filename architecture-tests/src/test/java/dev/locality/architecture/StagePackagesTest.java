package dev.locality.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.locality.stage.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The built-in stages' packages by concept ({@code stages.download}, {@code stages.decompress},
 * {@code stages.compress}, {@code stages.csv}, {@code stages.lookup}, {@code stages.upload}): each
 * holds one {@code *Stage} class, its options holder and its helpers, and the helpers never depend
 * on the stage class (what they share with it lives in the options holder), so a helper can be read
 * and tested without the stage.
 */
class StagePackagesTest {
  static final String[] STAGE_PACKAGES = {
    "dev.locality.activities.stages.download",
    "dev.locality.activities.stages.decompress",
    "dev.locality.activities.stages.compress",
    "dev.locality.activities.stages.csv",
    "dev.locality.activities.stages.lookup",
    "dev.locality.activities.stages.upload"
  };

  static final ArchRule STAGE_HELPERS_NEVER_DEPEND_ON_THEIR_STAGE =
      classes()
          .that()
          .resideInAnyPackage(STAGE_PACKAGES)
          .and(
              DescribedPredicate.not(partOfAStage())
                  .as("are helpers (not a *Stage class or nested in one)"))
          .should(notDependOnTheStageOfTheirPackage())
          .because(
              "what a helper shares with its stage (option and setting declarations, constants)"
                  + " belongs in the package's options holder");

  @Test
  void stageHelpersNeverDependOnTheirStage() {
    STAGE_HELPERS_NEVER_DEPEND_ON_THEIR_STAGE.check(LocalityClasses.main());
  }

  /**
   * What ArchUnit cannot see: javac copies constants ({@code static final String TYPE = "..."})
   * into the classes that read them, so the bytecode of a helper that reads {@code
   * DownloadStage.TYPE} does not name {@code DownloadStage}. The sources must not either (outside
   * comments, where a {@code {@link}} is fine).
   */
  @Test
  void stageHelperSourcesNeverNameTheirStage() throws IOException {
    Path root = Path.of(System.getProperty("locality.root", "..")).toAbsolutePath().normalize();
    Path sources = root.resolve("activities/src/main/java");
    assertThat(sources).as("the activities module's sources").isDirectory();
    List<String> violations = new ArrayList<>();
    for (String pkg : STAGE_PACKAGES) {
      Path dir = sources.resolve(pkg.replace('.', '/'));
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(f -> f.toString().endsWith(".java")).sorted().toList();
      }
      List<String> stages =
          files.stream()
              .map(f -> f.getFileName().toString().replace(".java", ""))
              .filter(n -> n.endsWith("Stage"))
              .toList();
      assertThat(stages).as("the stage class of %s", pkg).hasSize(1);
      Pattern stage = Pattern.compile("\\b" + stages.get(0) + "\\b");
      for (Path file : files) {
        if (file.getFileName().toString().equals(stages.get(0) + ".java")) continue;
        String code = withoutComments(Files.readString(file));
        if (stage.matcher(code).find())
          violations.add(root.relativize(file) + " names " + stages.get(0));
      }
    }
    assertThat(violations)
        .as("helpers that name their package's stage (move what they need to the options holder)")
        .isEmpty();
  }

  private static final Pattern COMMENT_OR_STRING =
      Pattern.compile(
          "\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|/\\*(?s:.*?)\\*/|//[^\\n]*");

  /** The source with comments removed (string literals kept: they may hold "//"). */
  static String withoutComments(String source) {
    Matcher m = COMMENT_OR_STRING.matcher(source);
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, m.group().startsWith("\"") ? "$0" : " ");
    m.appendTail(out);
    return out.toString();
  }

  /** A top-level {@code *Stage} class implementing {@link Stage}, or a class nested in one. */
  private static DescribedPredicate<JavaClass> partOfAStage() {
    return DescribedPredicate.describe("part of a *Stage class", c -> isStage(topLevel(c)));
  }

  private static boolean isStage(JavaClass c) {
    return c.getSimpleName().endsWith("Stage") && c.isAssignableTo(Stage.class);
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass top = c.getBaseComponentType();
    while (top.getEnclosingClass().isPresent()) top = top.getEnclosingClass().get();
    return top;
  }

  private static ArchCondition<JavaClass> notDependOnTheStageOfTheirPackage() {
    return new ArchCondition<>("not depend on the *Stage class of their package") {
      @Override
      public void check(JavaClass helper, ConditionEvents events) {
        for (Dependency d : helper.getDirectDependenciesFromSelf()) {
          JavaClass target = topLevel(d.getTargetClass());
          if (target.getPackageName().equals(helper.getPackageName()) && isStage(target))
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
        }
      }
    };
  }
}
