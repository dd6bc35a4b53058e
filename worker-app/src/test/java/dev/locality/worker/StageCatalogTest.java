package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCatalogTest {
  @TempDir Path tmp;

  private static final ClassLoader APP = StageCatalogTest.class.getClassLoader();

  @Test
  void loadsBuiltInsAndEachPluginJarInItsOwnClassLoader() throws Exception {
    Path jar = TestPlugins.exampleJar(tmp.resolve("plugins/csv-to-jsonl.jar"));

    try (StageCatalog catalog = StageCatalog.load(APP, tmp.resolve("plugins"))) {
      assertThat(catalog.registry().types())
          .contains("download", "upload", "test-emit", "csv-to-jsonl");
      assertThat(catalog.source("csv-to-jsonl")).isEqualTo(jar.toString());
      assertThat(catalog.source("download")).isEqualTo(StageCatalog.BUILT_IN);
      Stage plugin = catalog.registry().find("csv-to-jsonl").orElseThrow();
      assertThat(plugin.getClass().getClassLoader()).isNotSameAs(APP);
      assertThat(plugin.getClass().getClassLoader().getParent()).isSameAs(APP);
      assertThat(catalog.classLoader("csv-to-jsonl")).isSameAs(plugin.getClass().getClassLoader());
      assertThat(catalog.bannerLines())
          .anyMatch(l -> l.startsWith("csv-to-jsonl") && l.endsWith(jar.toString()));
    }
  }

  @Test
  void describesStagesAsTextAndAsAJsonFriendlyModel() throws Exception {
    TestPlugins.exampleJar(tmp.resolve("plugins/csv-to-jsonl.jar"));
    try (StageCatalog catalog = StageCatalog.load(APP, tmp.resolve("plugins"))) {
      StageCatalog.StageInfo info =
          catalog.stages().stream()
              .filter(s -> s.type().equals("csv-to-jsonl"))
              .findFirst()
              .orElseThrow();
      assertThat(info.options())
          .extracting(
              StageCatalog.OptionInfo::name,
              StageCatalog.OptionInfo::type,
              StageCatalog.OptionInfo::defaultValue)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("delimiter", "string", ","),
              org.assertj.core.groups.Tuple.tuple("numbers", "boolean", "false"),
              org.assertj.core.groups.Tuple.tuple("emptyAsNull", "boolean", "false"));

      String text = catalog.renderText();
      assertThat(text)
          .contains("csv-to-jsonl  (plugin " + tmp.resolve("plugins/csv-to-jsonl.jar") + ")")
          .contains("  Converts CSV files with a header row to JSON Lines, one object per row.")
          .containsPattern("\\n    delimiter\\s+string\\s+default \",\"\\s+Field separator")
          .containsPattern("\\n    url\\s+string\\s+optional\\s+Where to fetch the file")
          .containsPattern("\\n    to\\s+string\\s+required\\s+")
          .contains("download  (built-in)");

      Map<String, Object> download =
          catalog.toJsonModel().stream()
              .filter(m -> m.get("type").equals("download"))
              .findFirst()
              .orElseThrow();
      assertThat(download).containsEntry("source", "built-in").containsKey("description");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> options = (List<Map<String, Object>>) download.get("options");
      assertThat(options.get(0))
          .containsEntry("name", "url")
          .containsEntry("type", "string")
          .containsEntry("required", false) // url or urls
          .containsEntry("default", null)
          .containsKeys("allowedValues", "description");
    }
  }

  @Test
  void describesStagesAsMarkdownReferenceDocumentation() throws Exception {
    Path jar = TestPlugins.exampleJar(tmp.resolve("plugins/csv-to-jsonl.jar"));
    try (StageCatalog catalog = StageCatalog.load(APP, tmp.resolve("plugins"))) {
      List<StageCatalog.StageInfo> plugin =
          catalog.stages().stream().filter(s -> s.type().equals("csv-to-jsonl")).toList();

      assertThat(StageCatalog.renderMarkdown(plugin))
          .isEqualTo(
              """
              ### Stage `csv-to-jsonl`

              Converts CSV files with a header row to JSON Lines, one object per row.

              Plugin: `%s`

              | option | type | required / default | allowed values | description |
              |---|---|---|---|---|
              | `delimiter` | `string` | `,` |  | Field separator: one character, e.g. ',' ';' or a tab |
              | `numbers` | `boolean` | `false` |  | Write values spelled like JSON numbers (12, -3.5, 1e6) as numbers |
              | `emptyAsNull` | `boolean` | `false` |  | Write empty values as null instead of "" |

              | worker setting | type | default | description |
              |---|---|---|---|
              | [`csvToJsonlMaxRecordChars`](#worker-settings) | `size` | `1m` | csv-to-jsonl: the longest CSV record, in characters (k, m suffixes); a longer one is bad input |

              ### Worker settings

              Set on the worker (`--setting NAME=VALUE`, `LOCALITY_SETTINGS`, `settings:` in the config file), never in a spec.

              | worker setting | type | default | read by | description |
              |---|---|---|---|---|
              | `csvToJsonlMaxRecordChars` | `size` | `1m` | [`csv-to-jsonl`](#stage-csv-to-jsonl) | csv-to-jsonl: the longest CSV record, in characters (k, m suffixes); a longer one is bad input |
              """
                  .formatted(jar));

      String all = catalog.renderMarkdown();
      assertThat(all)
          .contains("### Stage `download`\n")
          .contains("| `url` | `string` | optional |  |")
          .contains("| `to` | `string` | required |  |")
          .contains("| `sha256` | `string` | optional |  |")
          .contains("| [`maxDownloadBytes`](#worker-settings) | `size` | `100g` |")
          .contains("| `trim` | `boolean\\|list<string>` | `[]` |")
          .contains("(e.g. \\\\)")
          .contains("date:\\<pattern>")
          .contains("Host names, \\*.domains")
          .containsPattern(
              "\\| `s3Endpoint` \\| `string` \\| `AWS` \\|"
                  + " \\[`download`\\]\\(#stage-download\\), \\[`lookup`\\]\\(#stage-lookup\\),"
                  + " \\[`upload`\\]\\(#stage-upload\\) \\|");
      assertThat(all.indexOf("### Worker settings"))
          .isGreaterThan(all.indexOf("### Stage `upload`"));
    }
  }

  @Test
  void aTypeDeclaredTwiceIsAnErrorNamingBothJars() throws Exception {
    Path a = TestPlugins.exampleJar(tmp.resolve("plugins/a.jar"));
    Path b = TestPlugins.exampleJar(tmp.resolve("plugins/b.jar"));

    assertThatThrownBy(() -> StageCatalog.load(APP, tmp.resolve("plugins")))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .containsExactly(
                        "stage type 'csv-to-jsonl' is declared twice: by plugin "
                            + a
                            + " (dev.locality.examples.csvjsonl.CsvToJsonlStage) and by plugin "
                            + b
                            + " (dev.locality.examples.csvjsonl.CsvToJsonlStage)"));
  }

  @Test
  void reportsEveryBrokenPluginAndAMissingDirectory() throws Exception {
    Path plugins = tmp.resolve("plugins");
    Path broken =
        TestPlugins.jar(
            plugins.resolve("broken.jar"),
            Map.of("META-INF/services/dev.locality.stage.Stage", "com.example.Missing\n"));
    TestPlugins.jar(plugins.resolve("empty.jar"), Map.of("README", "no stage here"));
    Files.writeString(plugins.resolve("notes.txt"), "not a jar");

    assertThatThrownBy(() -> StageCatalog.load(APP, plugins))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .singleElement()
                    .asString()
                    .startsWith("plugin " + broken + ": cannot load its stages:")
                    .contains("com.example.Missing"));
    assertThatThrownBy(() -> StageCatalog.load(APP, tmp.resolve("nowhere")))
        .hasMessageContaining("plugins directory " + tmp.resolve("nowhere") + " does not exist");
  }

  @Test
  void withoutAPluginsDirectoryOnlyBuiltInsLoad() {
    try (StageCatalog catalog = StageCatalog.load(APP, null)) {
      assertThat(catalog.registry().types()).contains("download").doesNotContain("csv-to-jsonl");
      assertThat(catalog.stages()).allSatisfy(s -> assertThat(s.source()).isEqualTo("built-in"));
    }
  }
}
