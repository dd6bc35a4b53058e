package dev.locality.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.stage.StageRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecOverridesTest {
  @TempDir Path dir;

  private static final String SPEC =
      """
      name: sales
      stages:
        - type: download
          url: file:in/sales.csv.gz
        - type: decompress
      """;

  @Test
  void setsNestedKeysCreatesMissingMappingsAndTypesValuesLikeYaml() {
    Map<String, Object> tree = tree();

    var problems =
        SpecOverrides.parse(
                List.of(
                    "stages[0].url=https://host/a.csv.gz",
                    "session.maxWorkerAttempts=5",
                    "name=x",
                    "stages[1].include=[a.csv, b.csv]"),
                dir)
            .applyTo(tree);

    assertThat(problems).isEmpty();
    assertThat(stage(tree, 0).get("url")).isEqualTo("https://host/a.csv.gz");
    assertThat(((Map<?, ?>) tree.get("session")).get("maxWorkerAttempts")).isEqualTo(5);
    assertThat(tree.get("name")).isEqualTo("x");
    assertThat(stage(tree, 1).get("include")).isEqualTo(List.of("a.csv", "b.csv"));
  }

  @Test
  void nullRemovesAKeyAndTheNextIndexAppends() {
    Map<String, Object> tree = tree();

    SpecOverrides.parse(List.of("stages[0].url=null", "stages[2].type=upload"), dir).applyTo(tree);

    assertThat(stage(tree, 0)).doesNotContainKey("url");
    assertThat(stage(tree, 2)).containsEntry("type", "upload");
  }

  @Test
  void pathsThatDoNotFitTheTreeAreProblemsNamingTheOverride() {
    var problems =
        SpecOverrides.parse(List.of("stages[7].url=x", "name.first=y", "stages[0]..url=z"), dir)
            .applyTo(tree());

    assertThat(problems)
        .extracting(p -> p.toString())
        .containsExactly(
            "--set stages[7].url: 'stages' has 2 elements: index 7 is out of range (0..1 exist;"
                + " 2 appends)",
            "--set name.first: 'name' is a string, not a mapping with key 'first'",
            "--set stages[0]..url: 'stages[0]..url' is not a path like name,"
                + " session.maxWorkerAttempts or stages[0].url");
  }

  @Test
  void anArgumentWithoutEqualsIsRejected() {
    assertThatThrownBy(() -> SpecOverrides.parse(List.of("stages[0].url"), dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected PATH=VALUE");
  }

  @Test
  void loaderValidatesAfterOverridingSoErrorsStillNameStageAndKey() throws Exception {
    Path spec = Files.writeString(dir.resolve("sales.yaml"), SPEC);
    SpecLoader loader = new SpecLoader(StageRegistry.load(getClass().getClassLoader()));

    PipelineSpec ok =
        loader.load(spec, SpecOverrides.parse(List.of("session.maxWorkerAttempts=5"), dir));
    assertThat(ok.session().maxWorkerAttempts()).isEqualTo(5);
    assertThat(ok.stages().get(0).options().get("url"))
        .as("relative file: URLs in the file resolve against the spec's directory")
        .isEqualTo("file://" + dir.resolve("in/sales.csv.gz"));

    assertThatThrownBy(
            () ->
                loader.load(
                    spec,
                    SpecOverrides.parse(
                        List.of("stages[1].format=rar", "session.maxWorkerAttempts=0"), dir)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("stages[1] (decompress).format")
        .hasMessageContaining("session.maxWorkerAttempts");
  }

  @Test
  void relativeFileUrlsGivenOnTheCommandLineResolveAgainstTheWorkingDirectory() {
    Path cwd = dir.resolve("cwd");
    Map<String, Object> tree = tree();

    SpecOverrides.parse(List.of("stages[0].url=file:data/x.csv"), cwd).applyTo(tree);

    assertThat(stage(tree, 0).get("url")).isEqualTo("file://" + cwd.resolve("data/x.csv"));
  }

  private static Map<String, Object> tree() {
    Map<String, Object> download = new LinkedHashMap<>();
    download.put("type", "download");
    download.put("url", "https://host/x.csv.gz");
    Map<String, Object> decompress = new LinkedHashMap<>();
    decompress.put("type", "decompress");
    List<Object> stages = new ArrayList<>(List.of(download, decompress));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("name", "sales");
    tree.put("stages", stages);
    return tree;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stage(Map<String, Object> tree, int index) {
    return (Map<String, Object>) ((List<Object>) tree.get("stages")).get(index);
  }
}
