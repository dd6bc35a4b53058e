package dev.locality.worker;

import dev.locality.worker.StageCatalog.OptionInfo;
import dev.locality.worker.StageCatalog.SettingInfo;
import dev.locality.worker.StageCatalog.StageInfo;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders stages as Markdown reference documentation ({@link StageCatalog#renderMarkdown}): per
 * stage a heading, its description, a table of its options and a table of the worker settings it
 * reads; then one table of every worker setting with the stages that read it. The README's "Stage
 * reference" is this output for the built-in stages. Deterministic: the same stages give the same
 * text, byte for byte.
 */
final class StageMarkdown {
  private StageMarkdown() {}

  static String render(List<StageInfo> stages) {
    StringBuilder b = new StringBuilder();
    for (StageInfo stage : stages) {
      b.append("### Stage `").append(stage.type()).append("`\n\n");
      b.append(text(stage.description())).append('\n');
      if (!StageCatalog.BUILT_IN.equals(stage.source()))
        b.append("\nPlugin: `").append(code(stage.source())).append("`\n");
      b.append('\n');
      if (stage.options().isEmpty()) {
        b.append("No options.\n\n");
      } else {
        b.append("| option | type | required / default | allowed values | description |\n");
        b.append("|---|---|---|---|---|\n");
        for (OptionInfo o : stage.options()) {
          row(
              b,
              "`" + code(o.name()) + "`",
              "`" + code(o.type()) + "`",
              o.required()
                  ? "required"
                  : o.defaultValue() == null ? "optional" : value(o.defaultValue()),
              o.allowedValues().stream()
                  .map(StageMarkdown::value)
                  .collect(Collectors.joining(", ")),
              text(o.description()));
        }
        b.append('\n');
      }
      if (!stage.settings().isEmpty()) {
        b.append("| worker setting | type | default | description |\n");
        b.append("|---|---|---|---|\n");
        for (SettingInfo s : stage.settings()) {
          row(
              b,
              "[`" + code(s.name()) + "`](#worker-settings)",
              "`" + code(s.type()) + "`",
              value(s.defaultValue()),
              text(s.description()));
        }
        b.append('\n');
      }
    }
    List<StageCatalog.SettingReaders> settings = StageCatalog.settingReaders(stages);
    b.append("### Worker settings\n\n");
    if (settings.isEmpty()) {
      b.append("No stage reads a worker setting.\n");
      return b.toString();
    }
    b.append("Set on the worker (`--setting NAME=VALUE`, `LOCALITY_SETTINGS`, `settings:` in the")
        .append(" config file), never in a spec.\n\n");
    b.append("| worker setting | type | default | read by | description |\n");
    b.append("|---|---|---|---|---|\n");
    for (StageCatalog.SettingReaders r : settings) {
      row(
          b,
          "`" + code(r.setting().name()) + "`",
          "`" + code(r.setting().type()) + "`",
          value(r.setting().defaultValue()),
          r.stages().stream()
              .map(t -> "[`" + code(t) + "`](#stage-" + t.replaceAll("[^a-z0-9-]", "") + ")")
              .collect(Collectors.joining(", ")),
          text(r.setting().description()));
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String... cells) {
    b.append("|");
    for (String cell : cells) b.append(' ').append(cell).append(" |");
    b.append('\n');
  }

  /** A value as a code span ({@code ""} for the empty string). */
  private static String value(String v) {
    return v.isEmpty() ? "`\"\"`" : "`" + code(v) + "`";
  }

  /** Inside a code span in a table only the pipe needs escaping. */
  private static String code(String s) {
    return s.replace("|", "\\|").replace("`", "'");
  }

  /** Prose: escapes what Markdown would take for markup or a table cell's end. */
  private static String text(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char c : s.replace('\n', ' ').toCharArray()) {
      if ("\\|<*_`[]".indexOf(c) >= 0) b.append('\\');
      b.append(c);
    }
    return b.toString();
  }
}
