package dev.locality.bench;

import static dev.locality.bench.Specs.CEL_FILTER;
import static dev.locality.bench.Specs.STAGES;
import static dev.locality.bench.Stats.MIB;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The results as Markdown: how and where they were measured, the table of min and median of every
 * measure, the ratios, and the Targets table. Written to {@code latest.md} and printed at the end.
 */
final class MarkdownReport {
  private MarkdownReport() {}

  /** The report of {@code results} (with their {@code summary}) as Markdown. */
  static String render(JsonNode results, Options o) {
    JsonNode data = results.get("data");
    JsonNode env = results.get("environment");
    JsonNode stats = results.get("summary").get("stats");
    long csvBytes = data.get("bytes").asLong();
    StringBuilder md = new StringBuilder();
    md.append("## Locality benchmark, ").append(env.get("date").asText()).append("\n\n");
    JsonNode rowsCheck = results.get("summary").path("checks").path("duckdbRowsOut");
    if (!rowsCheck.path("met").asBoolean(true)) {
      for (JsonNode c : rowsCheck.get("runs")) {
        if (c.get("duckdb").asLong() == c.get("pipeline").asLong()) continue;
        md.append(
            String.format(
                Locale.ROOT,
                "**ROW COUNT MISMATCH** in run %d: DuckDB wrote %,d rows, the Locality pipeline"
                    + " %,d (rowsOut)\n\n",
                c.get("run").asInt(),
                c.get("duckdb").asLong(),
                c.get("pipeline").asLong()));
      }
    }
    md.append("- command: `").append(env.get("command").asText()).append("`\n");
    md.append("- machine: ")
        .append(env.get("nproc").asText())
        .append(" CPUs (`nproc`), ")
        .append(env.get("memTotalGiB").asText())
        .append(" GiB RAM (`free -g` total), ")
        .append(env.get("cpuModel").asText())
        .append("\n");
    md.append("- JDK: workers and limit ")
        .append(env.get("workerJdk").asText())
        .append("; server, CLI and harness ")
        .append(env.get("harnessJdk").asText())
        .append("\n");
    md.append("- CEL runtime in transform-csv: ")
        .append(env.get("celRuntime").asText())
        .append("\n");
    md.append("- data: ")
        .append(
            String.format(
                Locale.ROOT,
                "%.1f MiB CSV (%,d rows, 10 columns), %.1f MiB gzipped",
                csvBytes / MIB,
                data.get("rows").asLong(),
                data.get("gzBytes").asLong() / MIB))
        .append("\n");
    md.append("- transform: select 8 of 10 columns, rename 1, filter `")
        .append(CEL_FILTER)
        .append("` (drops ~10%); the limit does the same in plain Java\n");
    JsonNode duck = duckdbRun(results);
    if (duck != null) {
      md.append("- DuckDB: ")
          .append(duck.get("version").asText())
          .append(" through JDBC in a JVM of its own (-Xmx256m, the workers' JDK), `SET threads=")
          .append(duck.get("threads").asText())
          .append("`, memory_limit ")
          .append(duck.get("memoryLimit").asText())
          .append(" (its default); it reads the .csv.gz from disk (the pipeline downloads it)")
          .append(" with `read_csv(…, ")
          .append(DuckDbPass.READ_CSV_OPTIONS)
          .append(")`");
      if (rowsCheck.has("met")) {
        md.append(
            rowsCheck.get("met").asBoolean()
                ? "; its output rows = the pipeline's rowsOut in every run"
                : "; **its output rows differ from the pipeline's rowsOut** (above)");
      }
      md.append("\n");
    }
    if (o.warmUp) {
      md.append("- warm-up: every worker runs one ")
          .append(o.smallSizeText)
          .append(" pipeline, and the limit JVM runs its pass once over the ")
          .append(o.smallSizeText)
          .append(" file, before the measured pass (long-running workers are warm)")
          .append(duck != null ? "; DuckDB runs its COPY once over that file first, untimed" : "")
          .append("\n");
    }
    md.append(
        "- pipeline times are the server's (workflow started → closed); stage times are"
            + " activity started → completed; worker processes run with -Xmx256m"
            + (o.jfr ? "; JFR recording on (workers and limit)" : "")
            + "\n");
    md.append("- runs: ")
        .append(results.get("runs").size())
        .append(" (min / median shown); commit ")
        .append(env.get("commit").asText())
        .append("\n\n");
    md.append("| measure | min | median |\n|---|---:|---:|\n");
    row(md, stats, "(1) limit: one streaming pass, wall s", "limit.stream.seconds", "%.2f");
    row(md, stats, "(1) limit: MiB/s of CSV", "limit.stream.mibps", "%.1f");
    row(md, stats, "(1) `zcat \\| wc -l`: MiB/s of CSV", "limit.zcat.mibps", "%.1f");
    row(md, stats, "(1) raw download (http → file) MiB/s of gz", "limit.download.mibps", "%.1f");
    row(md, stats, "(1) raw gunzip (file → file) MiB/s of CSV", "limit.gunzip.mibps", "%.1f");
    row(
        md,
        stats,
        "(1) raw Commons CSV transform (file → file) MiB/s",
        "limit.transform.mibps",
        "%.1f");
    row(md, stats, "(1) raw copy + fsync MiB/s", "limit.copy.mibps", "%.1f");
    if (duck != null) {
      String label = duckdbLabel(duck);
      row(md, stats, label + ": wall s", "duckdb.seconds", "%.2f");
      row(md, stats, label + ": MiB/s of CSV", "duckdb.mibps", "%.1f");
      row(md, stats, "(6) DuckDB peak RSS MiB (VmHWM)", "duckdb.peakRssMib", "%.0f");
      row(md, stats, "(6) DuckDB output rows", "duckdb.rowsOut", "%.0f");
    }
    row(md, stats, "(2) Locality, 1 pipeline, 1 worker: wall s", "pipeline.seconds", "%.2f");
    row(md, stats, "(2) MiB/s of CSV", "pipeline.mibps", "%.1f");
    for (String type : STAGES) {
      row(md, stats, "(2) stage " + type + ": s", "stage." + type + ".seconds", "%.2f");
      row(md, stats, "(2) stage " + type + ": MiB/s", "stage." + type + ".mibps", "%.1f");
    }
    row(
        md,
        stats,
        "(2) decompress + transform-csv (materialize: false, overlapped), s",
        "pipeline.decompressTransformSeconds",
        "%.2f");
    row(
        md,
        stats,
        "(2′) same pipeline, decompress materialize: true: wall s",
        "materialized.seconds",
        "%.2f");
    row(
        md,
        stats,
        "(2′) decompress + transform-csv (materialize: true, one after the other), s",
        "materialized.decompressTransformSeconds",
        "%.2f");
    row(
        md,
        stats,
        "(2) wall − Σ stage work (orchestration), s",
        "pipeline.overheadSeconds",
        "%.2f");
    row(md, stats, "(2) worker peak RSS MiB (-Xmx256m)", "pipeline.workerPeakRssMib", "%.0f");
    row(md, stats, "(2) worker peak heap used MiB", "pipeline.workerPeakHeapMib", "%.0f");
    row(md, stats, "(3) worker killed mid-transform: wall s", "kill.seconds", "%.2f");
    row(md, stats, "(3) work done before the kill, s", "kill.workBeforeKillSeconds", "%.2f");
    row(md, stats, "(3) detection (kill → session failed), s", "kill.detectionSeconds", "%.2f");
    row(md, stats, "(3) failover (failed → new session), s", "kill.failoverSeconds", "%.2f");
    row(md, stats, "(3) re-run on the other worker, s", "kill.rerunSeconds", "%.2f");
    row(md, stats, "(4) no affinity, 4 chained pipelines via S3: wall s", "noaff.seconds", "%.2f");
    for (String hop : NoAffinitySection.HOPS) {
      row(md, stats, "(4) " + hop + ", s", "noaff." + hop + ".seconds", "%.2f");
    }
    JsonNode small = results.get("small");
    if (small != null) {
      for (String phase : List.of("sequential", "concurrent")) {
        JsonNode b = small.get(phase);
        if (b == null || !b.has("pipelines")) continue;
        String label =
            "(5) "
                + b.get("pipelines").asInt()
                + " × "
                + o.smallSizeText
                + " pipelines, concurrency "
                + b.get("concurrency").asInt();
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: pipelines/s | %.2f | |\n",
                label,
                b.get("pipelinesPerSecond").asDouble()));
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: latency p50 / p99 ms | %.0f | %.0f (p99) |\n",
                label,
                b.get("latencyP50Millis").asDouble(),
                b.get("latencyP99Millis").asDouble()));
        JsonNode ov = b.get("overhead");
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: orchestration overhead per stage, median / p99 ms | %.1f | %.1f (p99) |\n",
                label,
                ov.get("perStageMedianMillis").asDouble(),
                ov.get("perStageP99Millis").asDouble()));
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: … of which dispatch / hand-off, median ms | %.1f | %.1f |\n",
                label,
                ov.get("dispatchMedianMillis").asDouble(),
                ov.get("handoffMedianMillis").asDouble()));
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: session open / close, median ms | %.0f | %.0f |\n",
                label,
                ov.get("sessionOpenMedianMillis").asDouble(),
                ov.get("sessionCloseMedianMillis").asDouble()));
        JsonNode cpu = b.get("cpuMillisPerPipeline");
        if (cpu != null) {
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s: CPU ms per pipeline, server (JIT) / workers (JIT) / client (total) |"
                      + " %.0f (%.0f) / %.0f (%.0f) / %.0f | %.0f |\n",
                  label,
                  cpu.get("server").asDouble(),
                  cpu.path("serverJit").asDouble(),
                  cpu.get("workers").asDouble(),
                  cpu.path("workersJit").asDouble(),
                  cpu.get("client").asDouble(),
                  cpu.get("total").asDouble()));
        }
      }
    }
    md.append("\n**Ratios** (medians):\n\n| ratio | value |\n|---|---:|\n");
    ratio(md, stats, "(2) / (1)", "ratio.pipelineOverLimit", "%.2f");
    ratio(md, stats, "(4) / (2)", "ratio.noAffinityOverPipeline", "%.2f");
    ratio(md, stats, "(3) − (2), s", "kill.extraSeconds", "%.2f");
    ratio(
        md,
        stats,
        "(3) − (2) budget: heartbeatTimeout + work before kill + 2 s",
        "kill.budgetSeconds",
        "%.2f");
    ratio(md, stats, "transform-csv / raw Commons CSV transform", "ratio.transformOverRaw", "%.2f");
    ratio(
        md,
        stats,
        "(2) / (2′) decompress + transform-csv (overlap: < 1 is faster)",
        "ratio.overlapSaving",
        "%.2f");
    ratio(md, stats, "(6) DuckDB MiB/s / raw gunzip MiB/s", "ratio.duckdbOverGunzip", "%.2f");
    ratio(
        md,
        stats,
        "(2) whole pipeline MiB/s / (6) DuckDB MiB/s",
        "ratio.pipelineOverDuckdb",
        "%.2f");
    if (stats.has("limit.stream.mibps")) {
      double limit = stats.get("limit.stream.mibps").get("median").asDouble();
      for (String type : STAGES) {
        if (stats.has("stage." + type + ".seconds")) {
          double csvRate =
              csvBytes / MIB / stats.get("stage." + type + ".seconds").get("median").asDouble();
          md.append(
              String.format(
                  Locale.ROOT,
                  "| stage %s: CSV MiB per second of stage time (%.1f) / (1) MiB/s (%.1f) | %.2f"
                      + " |\n",
                  type,
                  csvRate,
                  limit,
                  csvRate / limit));
        }
      }
    }
    String[][] raw = {
      {"download", "download"},
      {"decompress", "gunzip"},
      {"transform-csv", "transform"},
      {"upload", "copy"}
    };
    for (String[] pair : raw) {
      if (stats.has("stage." + pair[0] + ".mibps") && stats.has("limit." + pair[1] + ".mibps")) {
        double stage = stats.get("stage." + pair[0] + ".mibps").get("median").asDouble();
        double base = stats.get("limit." + pair[1] + ".mibps").get("median").asDouble();
        md.append(
            String.format(
                Locale.ROOT,
                "| stage %s MiB/s (%.1f) / raw %s MiB/s (%.1f) | %.2f |\n",
                pair[0],
                stage,
                pair[1],
                base,
                stage / base));
      }
    }
    cacheTable(md, results);
    md.append("\n**Targets**:\n\n| target | measured | met |\n|---|---:|:---:|\n");
    results
        .get("summary")
        .get("targets")
        .forEach(
            t ->
                md.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %.2f | %s |\n",
                        t.get("what").asText(),
                        t.get("value").asDouble(),
                        t.get("met").asBoolean() ? "yes" : "**no**")));
    return md.toString();
  }

  /** Section cache, one line per run and variant: origin bytes, requests, wall time, workers. */
  private static void cacheTable(StringBuilder md, JsonNode results) {
    boolean header = false;
    for (JsonNode run : results.get("runs")) {
      JsonNode cache = run.get("cache");
      if (cache == null) continue;
      if (!header) {
        md.append(
            String.format(
                Locale.ROOT,
                "\n**Download cache** (%d pipelines over one %,d-byte input on 2 workers, %d in"
                    + " flight):\n\n| run | cache | wall s | origin bytes sent | inputs' worth"
                    + " | GETs | HEADs | pipelines per worker |\n|---|---|---:|---:|---:|---:|---:|---|\n",
                cache.get("pipelines").asInt(),
                cache.get("inputBytes").asLong(),
                cache.get("inFlight").asInt()));
        header = true;
      }
      for (String variant : List.of("off", "on")) {
        JsonNode v = cache.get(variant);
        java.util.Map<String, Integer> perWorker = new java.util.TreeMap<>();
        v.get("workers").forEach(w -> perWorker.merge(w.asText(), 1, Integer::sum));
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %.2f | %,d | %.2f | %d | %d | %s |\n",
                run.get("run").asInt(),
                variant,
                v.get("wallMillis").asLong() / 1000.0,
                v.get("originBodyBytes").asLong(),
                v.get("inputsServedByOrigin").asDouble(),
                v.get("originGets").asLong(),
                v.get("originHeads").asLong(),
                perWorker));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | off / on | %.2f× | | | | | |\n",
              run.get("run").asInt(),
              cache.get("speedup").asDouble()));
    }
  }

  /** The first run's DuckDB section, {@code null} when it did not run. */
  static JsonNode duckdbRun(JsonNode results) {
    for (JsonNode run : results.get("runs")) if (run.has("duckdb")) return run.get("duckdb");
    return null;
  }

  /** "(6) DuckDB 1.4.4 (JDBC, 2 threads) `COPY …` from the same .gz". */
  static String duckdbLabel(JsonNode duck) {
    String version = duck.get("version").asText().replaceFirst("^v", "");
    return "(6) DuckDB "
        + version
        + " (JDBC, "
        + duck.get("threads").asText()
        + " threads) `COPY (SELECT 8 cols … WHERE status != 'cancelled') TO out.csv` from the"
        + " same .gz";
  }

  private static void row(StringBuilder md, JsonNode stats, String label, String key, String fmt) {
    JsonNode v = stats.get(key);
    if (v == null) return;
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(String.format(Locale.ROOT, fmt, v.get("min").asDouble()))
        .append(" | ")
        .append(String.format(Locale.ROOT, fmt, v.get("median").asDouble()))
        .append(" |\n");
  }

  private static void ratio(
      StringBuilder md, JsonNode stats, String label, String key, String fmt) {
    JsonNode v = stats.get(key);
    if (v == null) return;
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(String.format(Locale.ROOT, fmt, v.get("median").asDouble()))
        .append(" |\n");
  }
}
