package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locality's benchmark (issue 8): measures, in one run, the streaming limit without Temporal, the
 * same transform in DuckDB (the peer, issue 15), one pipeline on one worker, the same pipeline with
 * its worker killed mid-transform, the same stages without worker affinity (every stage through an
 * S3 API server), and many small pipelines; then prints ratios and target verdicts and writes JSON
 * and Markdown under {@code bench/results/}.
 *
 * <p>Started by {@code bench/run.sh}, which builds the jars and passes their paths; run it with
 * this module's jar and the CLI jar on the class path (Temporal client, Jackson, the api module,
 * the built-in stages, Commons CSV): {@code java -cp BENCH_JAR:CLI_JAR dev.locality.bench.Bench
 * --cli-jar ... --worker-jar ... [options]} ({@link Options}). See {@code bench/README.md}.
 *
 * <p>Every Temporal server, worker, S3Proxy and limit process is a child process of this one,
 * started and stopped by it (workers with {@code -Xmx256m}); the HTTP origin runs in this JVM; the
 * limit ({@link LimitPass}) and the data generator ({@link GenerateCsv}) run with this JVM's class
 * path. Times of pipelines come from the server's event history (workflow started → completed), so
 * CLI start-up is not counted; the limit's times are measured inside its process likewise.
 */
public final class Bench {
  private final Options o;
  private final Path work;
  private final ObjectNode results = JSON.createObjectNode();
  private final Children children = new Children();
  private Origin origin;
  private TemporalServer temporal;

  private Bench(Options o) throws IOException {
    this.o = o;
    this.work = Files.createDirectories(o.workDir);
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Bench bench = new Bench(o);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::cleanup, "bench-cleanup"));
    int rc = 0;
    try {
      bench.run();
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    }
    bench.cleanup();
    System.exit(rc);
  }

  /** The sections of {@code --only}, {@code --runs} times (section 5 once), then the summary. */
  private void run() throws Exception {
    long started = System.currentTimeMillis();
    results.set("environment", Environment.describe(o));
    ObjectNode data = TestData.prepare(o, work, o.size, "bench");
    results.set("data", data);
    ObjectNode smallData = TestData.prepare(o, work, o.smallSize, "small");
    results.set("smallData", smallData);
    origin = Origin.start(o.dataDir);
    temporal = TemporalServer.start(o, work, children);
    BenchContext ctx = new BenchContext(o, work, data, smallData, origin, temporal, children);
    ArrayNode runs = results.putArray("runs");
    for (int r = 1; r <= o.runs; r++) {
      log("=== run %d of %d ===", r, o.runs);
      ObjectNode run = runs.addObject();
      run.put("run", r);
      if (o.sections.contains("limit")) run.set("limit", new LimitSection(ctx).run(r));
      if (o.sections.contains("duckdb")) run.set("duckdb", new DuckDbSection(ctx).run(r));
      if (o.sections.contains("pipeline")) run.set("pipeline", new PipelineSection(ctx).run(r));
      if (o.sections.contains("kill"))
        run.set("kill", new KillSection(ctx).run(r, run.get("pipeline")));
      if (o.sections.contains("noaffinity"))
        run.set("noAffinity", new NoAffinitySection(ctx).run(r));
      if (o.sections.contains("cache")) run.set("cache", new CacheSection(ctx).run(r));
      String mismatch = Summary.rowsMismatch(run);
      if (mismatch != null) log("!!! %s", mismatch);
      ResultsWriter.write(results, o, started); // partial results survive a later failure
    }
    if (o.sections.contains("small")) {
      results.set("small", new SmallPipelinesSection(ctx).run());
    }
    results.put("benchSeconds", (System.currentTimeMillis() - started) / 1000.0);
    results.set("summary", Summary.of(results));
    ResultsWriter.write(results, o, started);
    System.out.println();
    System.out.println(MarkdownReport.render(results, o));
  }

  /** Stops every child process, the client and the origin; deletes the work directory. */
  private synchronized void cleanup() {
    children.stopAll();
    if (temporal != null) {
      temporal.close();
      temporal = null;
    }
    if (origin != null) {
      origin.stop();
      origin = null;
    }
    if (!o.keep) Dirs.deleteTree(work);
  }
}
