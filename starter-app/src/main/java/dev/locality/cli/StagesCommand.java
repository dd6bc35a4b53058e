package dev.locality.cli;

import dev.locality.cli.report.JsonReport;
import dev.locality.worker.InvalidConfigurationException;
import dev.locality.worker.StageCatalog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality stages [TYPE...]}: the stages a spec can use (built-ins and the plugins of a
 * plugins directory), each with its description, options (type, default or required, description)
 * and the worker settings it reads, rendered by the worker's {@link StageCatalog}: as text, as JSON
 * ({@code --json}) or as Markdown reference documentation ({@code --markdown}; the README's "Stage
 * reference" is this for the built-ins). Exit 2 for an unknown type or a bad plugins directory.
 */
@Command(
    name = "stages",
    mixinStandardHelpOptions = true,
    description = "List the stage types a pipeline can use, with every option they accept.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality stages",
      "  locality stages transform-csv",
      "  locality stages --plugins-dir /opt/locality/plugins --json | jq '.stages[].type'",
      "  locality stages --plugins-dir /opt/locality/plugins --markdown > STAGES.md"
    })
final class StagesCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TYPE", arity = "0..*", description = "only these stage types")
  List<String> types = new ArrayList<>();

  @Mixin PluginsDirOption plugins;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  static final class Format {
    @Option(names = "--json", description = "print one JSON object on stdout instead of text")
    boolean json;

    @Option(
        names = "--markdown",
        description =
            "print Markdown reference documentation (a section per stage with tables of its"
                + " options and worker settings, then every worker setting)")
    boolean markdown;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (StageCatalog catalog = LocalityCli.stages(plugins.resolve(cli.env()))) {
      List<String> unknown =
          types.stream().filter(t -> catalog.registry().find(t).isEmpty()).toList();
      if (!unknown.isEmpty()) {
        err.println(
            "locality: unknown stage type "
                + String.join(", ", unknown)
                + " (known: "
                + String.join(", ", catalog.registry().types())
                + ")");
        return ExitCodes.USAGE;
      }
      List<StageCatalog.StageInfo> stages =
          catalog.stages().stream()
              .filter(s -> types.isEmpty() || types.contains(s.type()))
              .toList();
      if (format != null && format.json) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("stages", StageCatalog.toJsonModel(stages));
        out.println(new JsonReport().write(root));
      } else if (format != null && format.markdown) {
        out.print(StageCatalog.renderMarkdown(stages));
      } else {
        out.print(StageCatalog.renderText(stages));
      }
      out.flush();
      return ExitCodes.SUCCESS;
    } catch (InvalidConfigurationException e) {
      err.println("locality: " + e.getMessage());
      return ExitCodes.USAGE;
    }
  }
}
