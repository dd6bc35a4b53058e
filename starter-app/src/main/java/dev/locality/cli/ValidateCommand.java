package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecParser;
import dev.locality.cli.report.JsonReport;
import dev.locality.worker.StageCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality validate SPEC}: the checks {@code run} makes before starting anything (structure,
 * session settings, stage types and options of the built-in stages and of the plugins in {@code
 * --plugins-dir}, each checked by its own declarations), without connecting to Temporal. Exit 0
 * when valid, 2 with every problem listed otherwise.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a pipeline spec without running it.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality validate examples/zipcodes-north.yaml",
      "  locality validate daily.yaml --json | jq -r '.problems[].location'",
      "  locality validate geo.yaml --plugins-dir /opt/locality/plugins",
      "Every problem is listed with its stage and key; exit 2 on any."
    })
final class ValidateCommand implements Callable<Integer> {
  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "pipeline spec file (.yaml/.json)")
  Path specFile;

  @Option(names = "--json", description = "print one JSON object on stdout instead of text")
  boolean json;

  @Mixin PluginsDirOption plugins;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PipelineSpec pipeline;
    try (StageCatalog stages = LocalityCli.stages(plugins.resolve(cli.env()))) {
      SpecParser parser = new SpecParser(stages.registry());
      pipeline = SpecProblems.loadOrReport(specFile, parser::parse, json, out, err);
    }
    if (pipeline == null) return ExitCodes.USAGE;
    if (json) {
      JsonReport report = new JsonReport();
      ObjectNode root = report.mapper().createObjectNode();
      root.put("status", "VALID");
      root.put("spec", specFile.toString());
      root.put("name", pipeline.name());
      root.put("stages", pipeline.stages().size());
      out.println(report.write(root));
    } else {
      out.println(
          specFile + ": pipeline " + pipeline.name() + " is valid (" + stageList(pipeline) + ")");
    }
    return ExitCodes.SUCCESS;
  }

  private static String stageList(PipelineSpec pipeline) {
    return String.join(" → ", pipeline.stages().stream().map(s -> s.type()).toList());
  }
}
