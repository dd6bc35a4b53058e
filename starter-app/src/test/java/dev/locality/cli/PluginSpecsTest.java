package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locality validate} knows the plugin stages of {@code LOCALITY_PLUGINS_DIR}, the variable
 * the worker reads too, so a spec that uses a plugin validates on the command line as it does on
 * the workers (it used to be refused: the CLI only saw its own class path).
 */
class PluginSpecsTest {
  @TempDir Path tmp;
  private Path spec;
  private Path plugins;

  @BeforeEach
  void setUp() throws IOException {
    spec =
        Files.writeString(
            tmp.resolve("plugin.yaml"),
            """
            name: plugin-spec
            stages:
              - type: download
                url: file:///data/people.csv
              - type: csv-to-jsonl
            """);
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    exampleJar(plugins.resolve("csv-to-jsonl.jar"));
  }

  private record Run(int exit, String out, String err) {}

  private static Run validate(Map<String, String> env, Path spec) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        LocalityCli.execute(
            env,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "validate",
            spec.toString());
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aSpecWithAPluginStageValidatesWithThePluginsDirectory() {
    Run run = validate(Map.of("LOCALITY_PLUGINS_DIR", plugins.toString()), spec);

    assertThat(run.exit()).as("%s", run).isZero();
  }

  @Test
  void withoutItThePluginStageIsUnknown() {
    Run run = validate(Map.of(), spec);

    assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out() + run.err()).contains("unknown stage type 'csv-to-jsonl'");
  }

  @Test
  void aMissingPluginsDirectoryIsAUsageErrorNamingIt() {
    Path missing = tmp.resolve("no-such-dir");

    Run run = validate(Map.of("LOCALITY_PLUGINS_DIR", missing.toString()), spec);

    assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains(missing.toString());
  }

  /** Packs the example plugin's compiled classes (the build provides them) into {@code jar}. */
  private static void exampleJar(Path jar) throws IOException {
    Path classes = Path.of(System.getProperty("locality.example.plugin.classes"));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }
}
