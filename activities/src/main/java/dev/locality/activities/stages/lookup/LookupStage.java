package dev.locality.activities.stages.lookup;

import dev.locality.activities.stages.csv.OutputNames;
import dev.locality.activities.stages.csv.TransformCsvOptions;
import dev.locality.activities.stages.download.DownloadStage.FetchInto;
import dev.locality.activities.stages.internal.ArtifactNames;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.stage.Artifact;
import dev.locality.stage.LoadedResource;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Progress;
import dev.locality.stage.RedactedUrl;
import dev.locality.stage.ResourceLease;
import dev.locality.stage.ResourceLoader;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code lookup}: enriches every row of CSV files with columns of a reference table, joined
 * on a key column.
 *
 * <pre>{@code
 * - type: lookup
 *   table: s3://reference/zip-to-county.csv    # or https://..., file:///..., a .jsonl table
 *   on: zip_code                                # or {input: zip, table: zip_code}
 *   add: [county, state]
 *   missing: reject                             # or keep (the default): empty values
 * }</pre>
 *
 * <p><b>The table is loaded once per worker</b> and shared by every pipeline on it, through the
 * worker's shared resources ({@link StageContext#resources()}), under a key made of the table
 * file's SHA-256, its format and its key column: a changed table has another digest and is loaded
 * anew; the old one is evicted when the worker's budget needs the room. Without option {@code
 * sha256} the file is fetched on every run (to learn its digest; the fetch reuses {@code
 * download}'s machinery: schemes, host policy, allowed file roots, S3 settings, resuming) and
 * parsed only when the worker does not have it; with {@code sha256} a worker that has the table
 * loaded does not fetch it at all. The fetched file lives in the attempt's resume directory and is
 * deleted once parsed. The table's weight (about its heap bytes) counts against the worker's {@code
 * --resource-cache-max-bytes}; the file may be at most {@code maxLookupTableBytes}.
 *
 * <p><b>Rows.</b> Each input gives one output of the same name, its header followed by the {@code
 * add} columns, in the input's delimiter, UTF-8. A row whose key the table lacks keeps empty values
 * ({@code missing: keep}) or goes to {@code <name>.rejects.csv} ({@code line,reason,raw}) with the
 * reason ({@code missing: reject}); a row with a different number of fields than the header is
 * always rejected. Rejects travel on as {@code rejects} artifacts. Metrics: {@code rowsIn ==
 * rowsOut + rowsRejected}.
 *
 * <p><b>Bad input</b> (the stage fails, leaving no file): an input without the join column or that
 * already has a column to add; a table without the key column or a column to add, with a key twice
 * (both lines named), with a malformed line (CSV field count, unbalanced quote, invalid JSON, not
 * an object, no key) or larger than {@code maxLookupTableBytes}; what {@code download} refuses for
 * the table's URL. Heartbeats: bytes while fetching, rows while parsing the table and while
 * enriching, and every second while waiting for another session's load of the same table.
 * Thread-safe and stateless (the fetcher's S3 clients aside).
 */
public final class LookupStage implements Stage {
  public static final String TYPE = "lookup";
  private static final Logger LOG = LoggerFactory.getLogger("dev.locality.stage." + TYPE);

  private final FetchInto fetcher = new FetchInto();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Adds columns of a reference table (CSV or JSONL, loaded once per worker) to every row of"
        + " CSV files, joined on a key column";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return LookupOptions.ALL;
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return LookupOptions.SETTINGS;
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    return LookupConfig.problems(config);
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    LookupConfig config = LookupConfig.read(input.config());
    long maxRecordBytes = context.setting(TransformCsvOptions.MAX_CSV_FIELD_BYTES);
    context.heartbeat(Progress.rows(0));
    String tableName = RedactedUrl.of(config.table());
    try (ResourceLease<LookupTable> table = table(config, tableName, maxRecordBytes, context)) {
      return enrich(input.artifacts(), config, table.get(), tableName, maxRecordBytes, context);
    }
  }

  private StageResult enrich(
      List<Artifact> data,
      LookupConfig config,
      LookupTable table,
      String tableName,
      long maxRecordBytes,
      StageContext context)
      throws IOException {
    CsvEnricher enricher =
        new CsvEnricher(
            config, table, tableName, maxRecordBytes, context::progressRows, context::createOutput);
    List<String> names = ArtifactNames.relativeToCommonParent(data);
    OutputNames planned = OutputNames.plan(names, "");
    List<Artifact> outputs = new ArrayList<>();
    long bytesIn = 0;
    for (int i = 0; i < names.size(); i++) {
      Path source = context.resolve(data.get(i));
      bytesIn += Files.size(source);
      OutputNames.Planned p = planned.get(i);
      CsvEnricher.FileResult result =
          enricher.enrich(
              source,
              data.get(i).fileName(),
              inside(context, p.output(), names.get(i)),
              inside(context, p.rejects(), names.get(i)));
      outputs.add(context.artifact(result.output(), result.rowsOut()));
      if (result.rejects() != null)
        outputs.add(
            context.artifact(result.rejects(), result.rowsRejected()).withKind(Artifact.REJECTS));
    }
    context.heartbeat(Progress.rows(enricher.rowsIn()));
    LOG.info(
        "{} rows enriched from lookup table {} ({} rows): {} without a match ({}), {} rejected",
        enricher.rowsIn(),
        tableName,
        table.size(),
        enricher.rowsUnmatched(),
        config.rejectMissing() ? "rejected" : "kept with empty values",
        enricher.rowsRejected());
    return StageResult.of(
        outputs,
        new StageMetrics(
            bytesIn,
            enricher.bytesOut(),
            enricher.rowsIn(),
            enricher.rowsOut(),
            0,
            enricher.rowsRejected()));
  }

  /**
   * The shared table: with {@code sha256} looked up first (fetched only when the worker lacks it),
   * else fetched, then looked up by the digest of what was fetched.
   */
  private ResourceLease<LookupTable> table(
      LookupConfig config, String tableName, long maxRecordBytes, StageContext context)
      throws Exception {
    long maxBytes = context.setting(LookupOptions.MAX_TABLE_BYTES);
    Path dir = context.resumeDir().resolve("table");
    Path partialDir = context.resumeDir().resolve("table-partial");
    TableParser parser = new TableParser(maxRecordBytes);
    if (config.sha256() != null) {
      return context
          .resources()
          .acquire(
              key(config.sha256(), config),
              () -> {
                Artifact file = fetch(config, dir, partialDir, maxBytes, context);
                return load(parser, file, config, tableName, context);
              });
    }
    Artifact file = fetch(config, dir, partialDir, maxBytes, context);
    try {
      ResourceLoader<LookupTable> loader = () -> load(parser, file, config, tableName, context);
      return context.resources().acquire(key(file.sha256(), config), loader);
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }

  private Artifact fetch(
      LookupConfig config, Path dir, Path partialDir, long maxBytes, StageContext context)
      throws Exception {
    FileTrees.deleteRecursively(dir); // a complete table an earlier attempt left
    return fetcher.fetch(
        context,
        config.table(),
        config.sha256(),
        dir,
        partialDir,
        maxBytes,
        LookupOptions.MAX_TABLE_BYTES);
  }

  private static LoadedResource<LookupTable> load(
      TableParser parser,
      Artifact file,
      LookupConfig config,
      String tableName,
      StageContext context)
      throws IOException {
    long started = System.nanoTime();
    Path path = context.resolve(file);
    LookupTable table;
    try (InputStream in = Files.newInputStream(path)) {
      table =
          parser.parse(in, config.format(), config.on().table(), tableName, context::progressRows);
    } finally {
      Files.deleteIfExists(path);
    }
    LOG.info(
        "loaded lookup table {} ({} bytes, {}): {} rows keyed by '{}', about {} bytes on the heap,"
            + " in {} ms",
        tableName,
        file.bytes(),
        config.format().optionValue(),
        table.size(),
        config.on().table(),
        table.weightBytes(),
        (System.nanoTime() - started) / 1_000_000);
    return LoadedResource.of(table, table.weightBytes());
  }

  /** What the loaded table depends on: the file's content, how it is read and its key. */
  private static String key(String sha256, LookupConfig config) {
    return "sha256="
        + sha256
        + " format="
        + config.format().optionValue()
        + " key="
        + config.on().table();
  }

  private static Path inside(StageContext context, String name, String input) {
    return SafePaths.resolveInside(context.outputDir(), name, "the inputs (" + input + ")");
  }
}
