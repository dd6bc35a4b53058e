package dev.locality.cli;

import dev.locality.cli.report.JsonReport;
import dev.locality.worker.InvalidConfigurationException;
import dev.locality.worker.StageCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code locality stages [TYPE...]}: the stages a spec can use (built-ins and the plugins of a
 * plugins directory), each with its description and options (type, default or required,
 * description), rendered by the worker's {@link StageCatalog}. Exit 2 for an unknown type or a bad
 * plugins directory.
 */
@Command(
    name = "stages",
    mixinStandardHelpOptions = true,
    description = "List the stage types a pipeline can use, with every option they accept.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality stages",
      "  locality stages transform-csv",
      "  locality stages --plugins-dir /opt/locality/plugins --json | jq '.stages[].type'"
    })
final class StagesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TYPE", arity = "0..*", description = "only these stage types")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      defaultValue = "${env:LOCALITY_PLUGINS_DIR}",
      description = "also list the stages of the plugin jars in DIR (env LOCALITY_PLUGINS_DIR)")
  Path pluginsDir;

  @Option(names = "--json", description = "print one JSON object on stdout instead of text")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (StageCatalog catalog = StageCatalog.load(pluginsDir)) {
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
      if (json) {
        List<Map<String, Object>> stages =
            catalog.toJsonModel().stream()
                .filter(s -> types.isEmpty() || types.contains(String.valueOf(s.get("type"))))
                .toList();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("stages", stages);
        out.println(new JsonReport().write(root));
      } else {
        for (String block : catalog.renderText().split("\n\n")) {
          String type = block.substring(0, Math.max(0, block.indexOf("  (")));
          if (!types.isEmpty() && !types.contains(type)) continue;
          out.println(block.stripTrailing());
          out.println();
        }
      }
      out.flush();
      return ExitCodes.SUCCESS;
    } catch (InvalidConfigurationException e) {
      err.println("locality: " + e.getMessage());
      return ExitCodes.USAGE;
    }
  }
}
