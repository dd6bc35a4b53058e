package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Stage reference" is exactly what {@code locality stages --markdown} prints for the
 * built-in stages, so the option and worker-setting docs cannot drift from the stages'
 * declarations. With {@code -Dlocality.updateReadme=true} the test rewrites the section instead:
 *
 * <pre>
 * ./mvnw -o -q -pl starter-app -am test -Dtest=StagesReferenceTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dlocality.updateReadme=true
 * </pre>
 */
class StagesReferenceTest {
  static final String START = "<!-- stages-reference:start -->\n";
  static final String END = "<!-- stages-reference:end -->\n";
  private static final String REGENERATE =
      "./mvnw -o -q -pl starter-app -am test -Dtest=StagesReferenceTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dlocality.updateReadme=true";

  @Test
  void theReadmeStageReferenceIsTheGeneratedMarkdownOfTheBuiltInStages() throws IOException {
    Path readme = Path.of("..", "README.md").toAbsolutePath().normalize();
    assertThat(readme).as("the repository's README (tests run in the module directory)").exists();
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    assertThat(start)
        .as("README.md holds the markers %s and %s, in this order", START.trim(), END.trim())
        .isNotNegative()
        .isLessThan(end);
    String section = text.substring(start + START.length(), end);

    String generated = builtInMarkdown();

    if (Boolean.getBoolean("locality.updateReadme")) {
      Files.writeString(
          readme,
          text.substring(0, start + START.length()) + generated + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(section)
        .as(
            "README.md's stage reference differs from the stages' declarations"
                + " ('locality stages --markdown'); regenerate it with:%n  %s%n",
            REGENERATE)
        .isEqualTo(generated);
  }

  static final String SQL_START = "<!-- sql-stage-reference:start -->\n";
  static final String SQL_END = "<!-- sql-stage-reference:end -->\n";

  /**
   * The README's reference of the sql stage, a plugin, is what {@code locality stages sql
   * --plugins-dir DIR --markdown} prints with its plugins directory (rewritten by the same {@code
   * -Dlocality.updateReadme=true}).
   */
  @Test
  void theReadmeSqlStageReferenceIsTheGeneratedMarkdownOfThePlugin(@TempDir Path tmp)
      throws IOException {
    Path readme = Path.of("..", "README.md").toAbsolutePath().normalize();
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf(SQL_START);
    int end = text.indexOf(SQL_END);
    assertThat(start)
        .as(
            "README.md holds the markers %s and %s, in this order",
            SQL_START.trim(), SQL_END.trim())
        .isNotNegative()
        .isLessThan(end);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        LocalityCli.execute(
            Map.of(),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "stages",
            "sql",
            "--plugins-dir",
            SqlPlugin.directory(tmp.resolve("plugins")).toString(),
            "--markdown");
    assertThat(exit).as("stages sql --markdown: %s", err).isZero();
    // one README, two worker-settings tables: this one gets its own heading (and anchor), and the
    // plugin's path on the machine that ran the test is left out
    String generated =
        out.toString()
            .replaceAll("(?m)^Plugin: .*\n\n", "")
            .replace("### Worker settings\n", "### Worker settings of `sql`\n")
            .replace("(#worker-settings)", "(#worker-settings-of-sql)");
    assertThat(generated).contains("### Stage `sql`", "sqlMemoryLimit");
    if (Boolean.getBoolean("locality.updateReadme")) {
      Files.writeString(
          readme,
          text.substring(0, start + SQL_START.length()) + generated + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(text.substring(start + SQL_START.length(), end))
        .as(
            "README.md's sql stage reference differs from the plugin's declarations; regenerate"
                + " it with:%n  %s%n",
            REGENERATE)
        .isEqualTo(generated);
  }

  /**
   * {@code locality stages --markdown} with an empty environment: no {@code LOCALITY_PLUGINS_DIR}
   * of the machine running the build leaks into the README, only the built-in stages.
   */
  private static String builtInMarkdown() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        LocalityCli.execute(
            Map.of(),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "stages",
            "--markdown");
    assertThat(exit).as("stages --markdown: %s", err).isZero();
    assertThat(out.toString())
        .as("only built-in stages")
        .doesNotContain("Plugin: ")
        .contains("### Stage `download`", "### Worker settings");
    return out.toString();
  }
}
