package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.sniff.NotCsvException;
import dev.locality.cli.sniff.SampleSource;
import dev.locality.cli.sniff.SniffResult;
import dev.locality.cli.sniff.Sniffer;
import dev.locality.cli.sniff.TransformCsvSnippet;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code locality sniff FILE|URL}: samples the first rows of a CSV (local, {@code file:} or {@code
 * http(s)}; gzip, zstd, bzip2 or xz detected from the content) and prints a {@code transform-csv}
 * stage with its dialect and a {@code types} block on stdout, a summary on stderr; {@code --json}
 * prints one JSON object instead. Every suggested type accepts every sampled value. Exit 0; 2 when
 * the input is missing, empty or not CSV text; 1 when it cannot be read (network, corrupt data).
 */
@Command(
    name = "sniff",
    mixinStandardHelpOptions = true,
    description =
        "Sample a CSV and print a ready-to-paste transform-csv stage (dialect, header, types).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality sniff examples/data/zipcodes.csv.gz",
      "  locality sniff https://example.org/sales.csv --rows 1000",
      "  locality sniff sales.csv --json | jq '.columns[] | {name, type}'",
      "Types are checked with transform-csv's own parser on every sampled value; check the"
          + " rows after the sample with a run."
    })
final class SniffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE|URL",
      description = "a CSV file, file: or http(s) URL")
  String location;

  @Option(
      names = "--rows",
      defaultValue = "10000",
      description = "data rows to sample (default ${DEFAULT-VALUE})")
  int rows;

  @Option(names = "--json", description = "print one JSON object on stdout instead of YAML")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (rows < 1) {
      err.println("--rows must be at least 1");
      return ExitCodes.USAGE;
    }
    SniffResult result;
    try (InputStream in = SampleSource.open(location)) {
      result = new Sniffer(rows).sniff(in);
    } catch (NoSuchFileException e) {
      err.println("locality sniff: " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (NotCsvException e) {
      err.println("locality sniff: " + location + ": " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (IOException e) {
      err.println("locality sniff: cannot read " + location + ": " + e.getMessage());
      return ExitCodes.PIPELINE_FAILED;
    }
    String snippet = TransformCsvSnippet.yaml(result);
    if (json) {
      out.println(json(result, snippet));
    } else {
      out.print("# locality sniff " + location + "\n" + snippet);
      out.flush();
      err.print(SniffSummary.text(location, result));
    }
    return ExitCodes.SUCCESS;
  }

  private String json(SniffResult result, String snippet) {
    JsonReport report = new JsonReport();
    ObjectNode root = report.mapper().createObjectNode();
    root.put("source", location);
    root.put("compression", result.compression());
    root.put("encoding", result.encoding());
    root.put("bom", result.bom());
    root.put("delimiter", String.valueOf(result.delimiter()));
    root.put("quote", String.valueOf(result.quote()));
    root.put("lineEnding", result.lineEnding());
    root.put("header", result.header());
    root.put("rows", result.rows());
    root.put("raggedRows", result.raggedRows());
    root.put("unparsable", result.unparsable());
    root.put("complete", result.complete());
    ArrayNode columns = root.putArray("columns");
    for (SniffResult.Column c : result.columns()) {
      ObjectNode column = columns.addObject();
      column.put("name", c.name());
      column.put("type", c.type());
      column.put("nonEmpty", c.nonEmpty());
      column.put("empty", c.empty());
      ArrayNode alternatives = column.putArray("alternatives");
      c.alternatives().forEach(alternatives::add);
    }
    root.put("snippet", snippet);
    return report.write(root);
  }
}
