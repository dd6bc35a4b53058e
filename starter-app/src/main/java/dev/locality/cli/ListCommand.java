package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.list.PipelineLister;
import dev.locality.cli.list.PipelineRow;
import dev.locality.cli.report.Formats;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.TextTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality list}: the newest pipeline runs as a table (id, name, status, start, duration),
 * optionally only running or only unsuccessful ones. Exit 0, also when there are none.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List pipeline runs, newest first: id, name, status, start time, duration.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality list",
      "  locality list --running",
      "  locality list --failed --limit 5",
      "  locality list --json | jq -r '.pipelines[].workflowId'"
    })
final class ListCommand implements Callable<Integer> {
  private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true)
  Which which = new Which();

  static final class Which {
    @Option(names = "--running", description = "only runs still running")
    boolean running;

    @Option(
        names = "--failed",
        description =
            "only runs that ended without success (failed, cancelled, terminated, timed out)")
    boolean failed;
  }

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "at most N runs (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "print one JSON object on stdout instead of a table")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (limit < 1) {
      spec.commandLine().getErr().println("locality: --limit must be at least 1");
      return ExitCodes.USAGE;
    }
    PipelineLister.Filter filter =
        which.running
            ? PipelineLister.Filter.RUNNING
            : which.failed ? PipelineLister.Filter.FAILED : PipelineLister.Filter.ALL;
    try (TemporalConnection connection = cli.connector().connect()) {
      PipelineLister.Listing listing = new PipelineLister(connection.client()).list(filter, limit);
      long now = System.currentTimeMillis();
      if (json) {
        out.println(new JsonReport().write(toJson(listing, now)));
      } else if (listing.rows().isEmpty()) {
        out.println("no pipeline runs" + (filter == PipelineLister.Filter.ALL ? "" : " match"));
      } else {
        TextTable table = new TextTable("ID", "NAME", "STATUS", "START", "DURATION>");
        for (PipelineRow row : listing.rows()) {
          table.row(
              row.workflowId(),
              row.name() == null ? "-" : row.name(),
              row.status(),
              row.startMillis() <= 0 ? "-" : START.format(local(row.startMillis())),
              Formats.duration(row.durationMillis(now)));
        }
        out.print(table.render(""));
      }
      out.flush();
      return ExitCodes.SUCCESS;
    }
  }

  private static ObjectNode toJson(PipelineLister.Listing listing, long now) {
    JsonReport report = new JsonReport();
    ObjectNode root = report.mapper().createObjectNode();
    ArrayNode rows = root.putArray("pipelines");
    for (PipelineRow row : listing.rows()) {
      ObjectNode node = rows.addObject();
      node.put("workflowId", row.workflowId());
      node.put("runId", row.runId());
      node.put("name", row.name());
      node.put("status", row.status());
      node.put("startTime", row.startMillis() <= 0 ? null : iso(row.startMillis()));
      node.put("closeTime", row.closeMillis() <= 0 ? null : iso(row.closeMillis()));
      node.put("durationMillis", row.durationMillis(now));
    }
    root.put("source", listing.source());
    return root;
  }

  private static java.time.ZonedDateTime local(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault());
  }

  private static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
