package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerReport;
import dev.locality.cli.connect.TemporalConnection;
import dev.locality.cli.report.Formats;
import dev.locality.cli.report.JsonReport;
import dev.locality.cli.report.TextTable;
import dev.locality.cli.workers.WorkerRegistryReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code locality workers}: the workers of a shared queue as they report themselves (every 5 s):
 * state, pools with slots, open sessions and free slots, version, host, age of the last report. A
 * worker silent for 15 s is listed as gone, one that shut down as stopped; both are forgotten 10
 * minutes after their last report. Exit 0 with the listing (also when empty), 1 when no worker
 * answered (none is running) or Temporal is unreachable. Never starts an embedded server.
 */
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description =
        "List the workers of a shared queue as they report themselves: state, pools, open"
            + " sessions, free slots, version, last report.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality workers",
      "  locality workers --json | jq '.workers[] | select(.state == \"live\") | .workerId'",
      "States: live (reporting), stopping (draining), stopped (shut down), gone (silent for 15s:"
          + " killed, hung or cut off). Exit codes: 0 listed, 1 no worker answered or Temporal"
          + " unreachable."
    })
final class WorkersCommand implements Callable<Integer> {
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

  @ParentCommand LocalityCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = {"--queue", "--shared-queue"},
      paramLabel = "QUEUE",
      defaultValue = "${env:LOCALITY_SHARED_QUEUE:-locality}",
      description = "shared task queue the workers poll (default: ${DEFAULT-VALUE})")
  String queue;

  @Option(names = "--json", description = "print one JSON object on stdout instead of a table")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = cli.connector().connect()) {
      WorkerListing listing;
      try {
        listing = new WorkerRegistryReader(connection.client(), QUERY_TIMEOUT).read(queue);
      } catch (WorkerRegistryReader.NoAnswerException e) {
        spec.commandLine().getErr().println("locality: " + e.getMessage());
        return ExitCodes.PIPELINE_FAILED;
      }
      if (json) out.println(new JsonReport().write(toJson(listing, queue)));
      else if (listing.workers().isEmpty()) out.println("no worker has reported on queue " + queue);
      else out.print(table(listing).render(""));
      out.flush();
      return ExitCodes.SUCCESS;
    }
  }

  /** One row per worker and pool; a workflows-only worker gets one row with pool "-". */
  static TextTable table(WorkerListing listing) {
    TextTable table =
        new TextTable(
            "WORKER", "STATE", "POOL", "SLOTS>", "OPEN>", "FREE>", "VERSION", "HOST", "REPORTED>");
    for (WorkerEntry e : listing.workers()) {
      WorkerReport r = e.report();
      String age = Formats.duration(listing.asOfMillis() - e.receivedAtMillis()) + " ago";
      if (r.pools().isEmpty()) {
        table.row(r.workerId(), e.state(), "-", "0", "0", "0", r.version(), r.host(), age);
      }
      for (PoolReport p : r.pools()) {
        table.row(
            r.workerId(),
            e.state(),
            p.pool(),
            Integer.toString(p.slots()),
            Integer.toString(p.openSessions()),
            Integer.toString(p.freeSlots()),
            r.version(),
            r.host(),
            age);
      }
    }
    return table;
  }

  static ObjectNode toJson(WorkerListing listing, String queue) {
    JsonReport report = new JsonReport();
    ObjectNode root = report.mapper().createObjectNode();
    root.put("queue", queue);
    root.put("asOf", Instant.ofEpochMilli(listing.asOfMillis()).toString());
    root.put("goneAfterMillis", listing.goneAfterMillis());
    ArrayNode workers = root.putArray("workers");
    for (WorkerEntry e : listing.workers()) {
      WorkerReport r = e.report();
      ObjectNode w = workers.addObject();
      w.put("workerId", r.workerId());
      w.put("state", e.state());
      w.put("host", r.host());
      w.put("version", r.version());
      w.put("uniqueQueue", r.uniqueQueue());
      w.put("lastReportAt", Instant.ofEpochMilli(e.receivedAtMillis()).toString());
      w.put("lastReportAgeMillis", listing.asOfMillis() - e.receivedAtMillis());
      ArrayNode pools = w.putArray("pools");
      for (PoolReport p : r.pools()) {
        ObjectNode node = pools.addObject();
        node.put("pool", p.pool());
        node.put("slots", p.slots());
        node.put("openSessions", p.openSessions());
        node.put("freeSlots", p.freeSlots());
      }
    }
    return root;
  }
}
