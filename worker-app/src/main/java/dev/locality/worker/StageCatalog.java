package dev.locality.worker;

import dev.locality.stage.Durations;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageRegistry;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stages a worker runs, each with where it came from: the built-in stages (found through {@link
 * java.util.ServiceLoader} on the application class loader) and the stages of every jar in the
 * plugins directory, each jar in its own class loader (see {@link #load(ClassLoader, Path)}). Also
 * renders them for people ({@link #renderText()}), for machines ({@link #toJsonModel()}) and as
 * reference documentation ({@link #renderMarkdown()}), which is what {@code locality stages}
 * prints.
 *
 * <pre>{@code
 * try (StageCatalog catalog = StageCatalog.load(Path.of("/opt/locality/plugins"))) {
 *   System.out.print(catalog.renderText());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe once loaded. {@link #close()} closes the plugin class loaders: call
 * it only when no stage of the catalog runs any more (a {@link LocalityWorker} that loaded its own
 * catalog closes it when it stops).
 */
public final class StageCatalog implements AutoCloseable {
  /** {@link StageInfo#source()} of a stage that comes with the worker. */
  public static final String BUILT_IN = "built-in";

  /**
   * One option of a stage, as documentation.
   *
   * @param name the key in a pipeline spec
   * @param type {@code string}, {@code integer}, {@code boolean}, {@code duration}, {@code
   *     list<string>}, ...
   * @param required whether a spec must set it
   * @param defaultValue the value used when unset, as text; null when there is none
   * @param allowedValues the only values accepted; empty when any value of the type is
   * @param description what it does
   */
  public record OptionInfo(
      String name,
      String type,
      boolean required,
      String defaultValue,
      List<String> allowedValues,
      String description) {}

  /**
   * One stage, as documentation.
   *
   * @param type the stage type used in specs and as the activity type
   * @param description one sentence
   * @param source {@link #BUILT_IN}, or the absolute path of the plugin jar that provides it
   * @param options every option, in the order the stage declares them
   * @param settings every worker setting the stage reads, in the order it declares them
   */
  public record StageInfo(
      String type,
      String description,
      String source,
      List<OptionInfo> options,
      List<SettingInfo> settings) {}

  /**
   * One worker setting, as documentation.
   *
   * @param name the key ops set ({@code --setting name=value})
   * @param type {@code size}, {@code integer}, {@code duration}, {@code list<host>}, ...
   * @param defaultValue the default as text
   * @param description what it does
   */
  public record SettingInfo(String name, String type, String defaultValue, String description) {
    static SettingInfo of(SettingSpec<?> spec) {
      return new SettingInfo(
          spec.name(), spec.type().name(), spec.defaultText(), spec.description());
    }
  }

  private final StageRegistry registry;
  private final Map<String, String> sources;
  private final Map<String, ClassLoader> loaders;
  private final List<URLClassLoader> pluginLoaders;

  private StageCatalog(
      StageRegistry registry,
      Map<String, String> sources,
      Map<String, ClassLoader> loaders,
      List<URLClassLoader> pluginLoaders) {
    this.registry = registry;
    this.sources = Map.copyOf(sources);
    this.loaders = Map.copyOf(loaders);
    this.pluginLoaders = List.copyOf(pluginLoaders);
  }

  /** The built-in stages of this application plus the plugins in {@code pluginsDir} (nullable). */
  public static StageCatalog load(Path pluginsDir) {
    return load(StageCatalog.class.getClassLoader(), pluginsDir);
  }

  /**
   * Loads the built-in stages visible to {@code app} and the stages of every {@code *.jar} in
   * {@code pluginsDir} (null: none), each jar through its own class loader whose parent is {@code
   * app}.
   *
   * @throws InvalidConfigurationException listing every problem: a missing plugins directory, a jar
   *     whose stage cannot be loaded, a stage type declared twice (naming both sources)
   */
  public static StageCatalog load(ClassLoader app, Path pluginsDir) {
    PluginLoader loader = new PluginLoader();
    loader.loadBuiltIns(app);
    if (pluginsDir != null) loader.loadPlugins(pluginsDir, app);
    List<String> problems = new ArrayList<>(loader.problems());
    Map<String, PluginLoader.Found> byType = new TreeMap<>();
    for (PluginLoader.Found found : loader.found()) {
      PluginLoader.Found first = byType.putIfAbsent(found.stage().type(), found);
      if (first != null)
        problems.add(
            "stage type '"
                + found.stage().type()
                + "' is declared twice: by "
                + describe(first)
                + " and by "
                + describe(found));
    }
    if (!problems.isEmpty()) {
      closeAll(loader.loaders());
      throw new InvalidConfigurationException(problems);
    }
    Map<String, String> sources = new LinkedHashMap<>();
    Map<String, ClassLoader> loaders = new LinkedHashMap<>();
    byType.forEach(
        (type, found) -> {
          sources.put(type, found.source());
          loaders.put(type, found.loader());
        });
    return new StageCatalog(
        StageRegistry.of(byType.values().stream().map(PluginLoader.Found::stage).toList()),
        sources,
        loaders,
        loader.loaders());
  }

  /** A catalog of stages given as instances (tests, embedding); their source is their class. */
  public static StageCatalog of(StageRegistry registry) {
    Map<String, String> sources = new LinkedHashMap<>();
    Map<String, ClassLoader> loaders = new LinkedHashMap<>();
    for (Stage stage : registry.all()) {
      sources.put(stage.type(), BUILT_IN);
      loaders.put(stage.type(), stage.getClass().getClassLoader());
    }
    return new StageCatalog(registry, sources, loaders, List.of());
  }

  private static String describe(PluginLoader.Found found) {
    String cls = found.stage().getClass().getName();
    return found.source().equals(BUILT_IN)
        ? "the built-in stage " + cls
        : "plugin " + found.source() + " (" + cls + ")";
  }

  /** The stages, by type, for the dispatcher and validation. */
  public StageRegistry registry() {
    return registry;
  }

  /** {@link #BUILT_IN} or the plugin jar's path; null for an unknown type. */
  public String source(String type) {
    return sources.get(type);
  }

  /** The class loader of a stage's class (the context class loader while the stage runs). */
  ClassLoader classLoader(String type) {
    return loaders.get(type);
  }

  /** Every stage as documentation, sorted by type. */
  public List<StageInfo> stages() {
    List<StageInfo> out = new ArrayList<>();
    for (Stage stage : registry.all()) {
      List<OptionInfo> options = new ArrayList<>();
      for (OptionSpec<?> option : stage.options()) {
        options.add(
            new OptionInfo(
                option.name(),
                option.type().name(),
                option.required(),
                option.defaultValue().map(StageCatalog::text).orElse(null),
                option.allowedValues(),
                option.description()));
      }
      List<SettingInfo> settings = stage.settings().stream().map(SettingInfo::of).toList();
      out.add(
          new StageInfo(
              stage.type(), stage.description(), sources.get(stage.type()), options, settings));
    }
    return out;
  }

  private static String text(Object value) {
    return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
  }

  /**
   * The stages as plain maps and lists (keys {@code type, description, source, options, settings};
   * options with {@code name, type, required, default, allowedValues, description}; settings with
   * {@code name, type, default, description}), ready for any JSON or YAML writer.
   */
  public List<Map<String, Object>> toJsonModel() {
    return toJsonModel(stages());
  }

  /** {@link #toJsonModel()} for some of the stages. */
  public static List<Map<String, Object>> toJsonModel(List<StageInfo> stages) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (StageInfo stage : stages) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("type", stage.type());
      s.put("description", stage.description());
      s.put("source", stage.source());
      List<Map<String, Object>> options = new ArrayList<>();
      for (OptionInfo o : stage.options()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("type", o.type());
        m.put("required", o.required());
        m.put("default", o.defaultValue());
        m.put("allowedValues", o.allowedValues());
        m.put("description", o.description());
        options.add(m);
      }
      s.put("options", options);
      List<Map<String, Object>> settings = new ArrayList<>();
      for (SettingInfo i : stage.settings()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.name());
        m.put("type", i.type());
        m.put("default", i.defaultValue());
        m.put("description", i.description());
        settings.add(m);
      }
      s.put("settings", settings);
      out.add(s);
    }
    return out;
  }

  /**
   * The stages for a terminal:
   *
   * <pre>
   * csv-to-jsonl  (plugin /opt/locality/plugins/csv-to-jsonl.jar)
   *   Converts CSV files with a header row to JSON Lines, one object per row.
   *   delimiter    string   default ","   Field separator: one character, ...
   * </pre>
   */
  public String renderText() {
    return renderText(stages());
  }

  /** {@link #renderText()} for some of the stages. */
  public static String renderText(List<StageInfo> stages) {
    StringBuilder b = new StringBuilder();
    for (StageInfo stage : stages) {
      if (b.length() > 0) b.append('\n');
      b.append(stage.type())
          .append("  (")
          .append(BUILT_IN.equals(stage.source()) ? BUILT_IN : "plugin " + stage.source())
          .append(")\n  ")
          .append(stage.description())
          .append('\n');
      int nameWidth = stage.options().stream().mapToInt(o -> o.name().length()).max().orElse(0);
      int typeWidth = stage.options().stream().mapToInt(o -> o.type().length()).max().orElse(0);
      List<String> defaults = stage.options().stream().map(StageCatalog::defaultText).toList();
      int defaultWidth = defaults.stream().mapToInt(String::length).max().orElse(0);
      for (int i = 0; i < stage.options().size(); i++) {
        OptionInfo o = stage.options().get(i);
        b.append("    ")
            .append(pad(o.name(), nameWidth))
            .append("  ")
            .append(pad(o.type(), typeWidth))
            .append("  ")
            .append(pad(defaults.get(i), defaultWidth))
            .append("  ")
            .append(o.description());
        if (!o.allowedValues().isEmpty())
          b.append(" (one of ").append(String.join(", ", o.allowedValues())).append(')');
        b.append('\n');
      }
      if (!stage.settings().isEmpty()) {
        b.append("  worker settings:\n");
        b.append(settingLines(stage.settings(), "    "));
      }
    }
    return b.toString();
  }

  /**
   * One worker setting and the types of the stages that read it.
   *
   * @param setting the setting, as the first of those stages declares it
   * @param stages the types of the stages that declare it, in the order given
   */
  record SettingReaders(SettingInfo setting, List<String> stages) {}

  /** Every worker setting of {@code stages}, once each (stages may share one), sorted by name. */
  static List<SettingReaders> settingReaders(List<StageInfo> stages) {
    Map<String, SettingInfo> byName = new TreeMap<>();
    Map<String, List<String>> readers = new TreeMap<>();
    for (StageInfo stage : stages) {
      for (SettingInfo setting : stage.settings()) {
        byName.putIfAbsent(setting.name(), setting);
        readers.computeIfAbsent(setting.name(), k -> new ArrayList<>()).add(stage.type());
      }
    }
    return byName.values().stream()
        .map(s -> new SettingReaders(s, List.copyOf(readers.get(s.name()))))
        .toList();
  }

  /**
   * Every worker setting of every stage, once each (stages may share one), sorted by name, for
   * {@code locality worker --help}: a line with the name, type, default and the stages that read
   * it, then the description wrapped at {@code width} columns.
   */
  public String renderSettingsHelp(int width) {
    StringBuilder b = new StringBuilder();
    for (SettingReaders r : settingReaders(stages())) {
      SettingInfo s = r.setting();
      b.append("  ")
          .append(s.name())
          .append(" (")
          .append(s.type())
          .append(", default ")
          .append(s.defaultValue())
          .append("; ")
          .append(String.join(", ", r.stages()))
          .append(")\n");
      for (String line : wrap(s.description(), width - 6))
        b.append("      ").append(line).append('\n');
    }
    return b.toString();
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    if (line.length() > 0) lines.add(line.toString());
    return lines;
  }

  /**
   * The stages as Markdown reference documentation, what {@code locality stages --markdown} prints
   * and the README's "Stage reference" holds for the built-ins: per stage a heading ({@code ###
   * Stage `type`}), its description, a table of its options (name, type, required or default,
   * allowed values, description) and one of the worker settings it reads (name, type, default,
   * description); then {@code ### Worker settings}, every setting once with the stages that read
   * it.
   */
  public String renderMarkdown() {
    return renderMarkdown(stages());
  }

  /** {@link #renderMarkdown()} for some of the stages (for example {@code stages()} filtered). */
  public static String renderMarkdown(List<StageInfo> stages) {
    return StageMarkdown.render(stages);
  }

  private static String settingLines(List<SettingInfo> settings, String indent) {
    int nameWidth = settings.stream().mapToInt(s -> s.name().length()).max().orElse(0);
    int typeWidth = settings.stream().mapToInt(s -> s.type().length()).max().orElse(0);
    int defaultWidth =
        settings.stream().mapToInt(s -> ("default " + s.defaultValue()).length()).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (SettingInfo s : settings) {
      b.append(indent)
          .append(pad(s.name(), nameWidth))
          .append("  ")
          .append(pad(s.type(), typeWidth))
          .append("  ")
          .append(pad("default " + s.defaultValue(), defaultWidth))
          .append("  ")
          .append(s.description())
          .append('\n');
    }
    return b.toString();
  }

  private static String defaultText(OptionInfo o) {
    if (o.required()) return "required";
    if (o.defaultValue() == null) return "optional";
    return "default "
        + (o.type().equals("string") ? "\"" + o.defaultValue() + "\"" : o.defaultValue());
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** One line per stage for the start-up banner: {@code type source}. */
  List<String> bannerLines() {
    int width = registry.types().stream().mapToInt(String::length).max().orElse(0);
    return registry.types().stream().map(t -> pad(t, width) + "  " + sources.get(t)).toList();
  }

  /** Closes the plugin class loaders. Idempotent. */
  @Override
  public void close() {
    closeAll(pluginLoaders);
  }

  private static void closeAll(List<URLClassLoader> loaders) {
    for (URLClassLoader loader : loaders) {
      try {
        loader.close();
      } catch (IOException e) {
        // nothing useful to do: the jar stays open until the process ends
      }
    }
  }
}
