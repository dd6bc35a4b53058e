package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code locality validate}, {@code run} and {@code batch} know the stages of the example plugin
 * ({@code examples/csv-to-jsonl-stage}, packed as a jar) in {@code --plugins-dir}, or else in
 * {@code LOCALITY_PLUGINS_DIR}, the variable the worker reads too: a spec that uses a plugin stage
 * is checked with the plugin's own option declarations, as on the workers, and {@code run}'s
 * embedded worker runs it.
 */
@Timeout(120)
class PluginSpecsTest {
  @TempDir Path tmp;
  private Path spec;
  private Path plugins;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(tmp.resolve("people.csv"), "name,age\nAda,36\n\"Hopper, G\",85\n");
    spec = spec("plugin.yaml", "plugin-spec", "numbers: true");
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    exampleJar(plugins.resolve("csv-to-jsonl.jar"));
  }

  /** download (file:) → csv-to-jsonl (the plugin, with {@code options}) → upload (file:). */
  private Path spec(String file, String name, String... options) throws IOException {
    return Files.writeString(
        tmp.resolve(file),
        """
        name: %s
        stages:
          - type: download
            url: file:people.csv
          - type: csv-to-jsonl
            %s
          - type: upload
            to: file://%s/{name}/{file}
        """
            .formatted(name, String.join("\n    ", options), tmp.resolve("out")));
  }

  private record Run(int exit, String out, String err) {}

  private Run cli(Map<String, String> env, String... args) {
    Map<String, String> all = new HashMap<>(env);
    all.put("TEMPORAL_CONFIG_FILE", tmp.resolve("none.toml").toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        LocalityCli.execute(all, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aSpecWithAPluginStageValidatesWithThePluginsDirFlag() {
    Run run = cli(Map.of(), "validate", spec.toString(), "--plugins-dir", plugins.toString());

    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(run.out())
        .contains("pipeline plugin-spec is valid (download → csv-to-jsonl → upload)");
  }

  @Test
  void aSpecWithAPluginStageValidatesWithTheEnvironmentVariable() {
    Run run = cli(Map.of("LOCALITY_PLUGINS_DIR", plugins.toString()), "validate", spec.toString());

    assertThat(run.exit()).as("%s", run).isZero();
  }

  @Test
  void theFlagWinsOverTheEnvironmentVariable() {
    Run run =
        cli(
            Map.of("LOCALITY_PLUGINS_DIR", tmp.resolve("no-such-dir").toString()),
            "validate",
            spec.toString(),
            "--plugins-dir",
            plugins.toString());

    assertThat(run.exit()).as("%s", run).isZero();
  }

  /**
   * A bad option of the plugin's stage is reported, before anything runs, with the messages of the
   * plugin's own declarations: its option validator, its option list, and its type.
   */
  @ParameterizedTest
  @ValueSource(strings = {"validate", "run", "batch"})
  void aBadPluginOptionIsReportedWithThePluginsOwnMessage(String command) throws IOException {
    Path bad = spec("bad.yaml", "bad-plugin-spec", "delimiter: ';;'", "numbrs: true");
    List<String> args =
        new ArrayList<>(List.of(command, bad.toString(), "--plugins-dir", plugins.toString()));
    if (command.equals("batch")) args.addAll(List.of("--inputs", tmp.resolve("people.csv") + ""));

    Run run = cli(Map.of(), args.toArray(String[]::new));

    assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains(
            "stages[1] (csv-to-jsonl).delimiter: must be exactly one character, got ';;'",
            "stages[1] (csv-to-jsonl).numbrs: unknown option (options of csv-to-jsonl:"
                + " delimiter, emptyAsNull, numbers, timeouts, retry)");
  }

  @Test
  void withoutAPluginsDirectoryThePluginStageIsUnknown() {
    Run run = cli(Map.of(), "validate", spec.toString());

    assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out() + run.err()).contains("unknown stage type 'csv-to-jsonl'");
  }

  @Test
  void aMissingPluginsDirectoryIsAUsageErrorNamingIt() {
    Path missing = tmp.resolve("no-such-dir");

    Run fromEnv = cli(Map.of("LOCALITY_PLUGINS_DIR", missing.toString()), "validate", spec + "");
    Run fromFlag = cli(Map.of(), "run", spec.toString(), "--plugins-dir", missing.toString());

    for (Run run : List.of(fromEnv, fromFlag)) {
      assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains(missing.toString());
    }
  }

  /**
   * {@code locality run --plugins-dir} with the embedded server and worker: the worker loads the
   * plugin from the same directory and the pipeline runs the plugin's stage between two built-ins.
   */
  @Test
  void runsAPipelineWithThePluginStageOnTheEmbeddedWorker() throws IOException {
    Run run =
        cli(
            Map.of(),
            "run",
            spec.toString(),
            "--plugins-dir",
            plugins.toString(),
            "--embedded",
            "--json",
            "--id",
            "plugin-spec-e2e");

    assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.SUCCESS);
    JsonNode root = new ObjectMapper().readTree(run.out());
    assertThat(root.get("status").asText()).isEqualTo("COMPLETED");
    List<String> types = new ArrayList<>();
    root.get("stages").forEach(s -> types.add(s.get("type").asText()));
    assertThat(types).containsExactly("download", "csv-to-jsonl", "upload");
    assertThat(root.get("stages").get(1).get("metrics").get("rowsOut").asLong()).isEqualTo(2);
    Path written = tmp.resolve("out/plugin-spec/people.jsonl");
    assertThat(root.get("outputUris").get(0).asText()).isEqualTo(written.toUri().toString());
    assertThat(Files.readString(written))
        .isEqualTo("{\"name\":\"Ada\",\"age\":36}\n{\"name\":\"Hopper, G\",\"age\":85}\n");
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
