package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.decompress.InlineDecompression;
import dev.locality.activities.stages.internal.ArtifactNames;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.stage.Artifact;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code transform-csv}: reads CSV files and, row by row, selects, renames, types, trims,
 * filters (CEL), derives (CEL) and deduplicates, writing one CSV, JSON Lines or Parquet file per
 * input (or per partition, with {@code partitionBy}).
 *
 * <pre>{@code
 * - type: transform-csv
 *   delimiter: ";"
 *   select: [region, amount, day]
 *   rename: {day: date}
 *   types: {amount: decimal, date: "date:dd.MM.yyyy"}
 *   trim: true
 *   filter: region == "EU" && amount > 10.0
 *   derive: {amount_cents: "int(amount * 100.0)"}
 *   dedupe: [region, date]
 *   maxRejects: "1%"
 *   outputCompression: gzip
 * }</pre>
 *
 * <p>Every option and worker setting is declared, with its type, default and meaning, in {@link
 * TransformCsvOptions}; the README's reference section is generated from those declarations ({@code
 * locality stages --markdown}), so it is the one place they are described.
 *
 * <p>Dedupe keys beyond the worker setting {@code dedupeMemoryKeys} spill to the output directory.
 * A field or record larger than the worker setting {@code maxCsvFieldBytes} (typically everything
 * after an unbalanced quote) is bad input naming the line where the record started, found after
 * reading at most that much of it: the heap a record takes is bounded, never an {@link
 * OutOfMemoryError}.
 *
 * <p><b>Compressed inputs</b> (gzip, also multi-member, bzip2, xz, zstd; detected from the content,
 * never the name) are read directly: {@link InlineDecompression} inflates them on a second thread
 * while this one parses, so a {@code decompress} stage before this one is not needed, or can hand
 * its input on with {@code materialize: false}. Their output is named as {@code decompress} names
 * its output ({@code sales.csv.gz} gives {@code sales.csv}). Corrupt or truncated data is bad input
 * naming the format, the input and the compressed offset reached; an archive (zip, tar, tar.gz,
 * ...) is bad input saying to add a {@code decompress} stage. The inflating is bounded by {@code
 * decompress}'s worker settings {@code maxUncompressedBytes} (bytes inflated from all inputs) and
 * {@code maxCompressionRatio} (per input), which this stage declares too: one value on the worker
 * bounds both stages. Uncompressed inputs are read as before, on this thread.
 *
 * <p>Each data input gives one output of the same name (relative to the inputs' common directory,
 * plus the compression suffix), UTF-8. Rejects: a row with a different number of fields than the
 * header, a value that does not parse as its type, or an expression that fails to evaluate goes to
 * {@code <name>.rejects.csv} next to the output (columns {@code line,reason,raw}), handed on as a
 * {@code rejects} artifact so that {@code upload} publishes it next to the output. Names are
 * planned for all inputs first and never collide ({@link OutputNames}): when an input already has
 * that name the rejects go to {@code <name>.rejects-2.csv}; a name over 255 bytes is shortened with
 * a hash. Artifacts that are not data pass through unchanged (the framework appends them).
 *
 * <p><b>Output formats</b> ({@code output: {format: csv|jsonl|parquet}}): CSV as the options print
 * it (the default), JSON Lines ({@link JsonLinesRowWriter}) or Parquet ({@link ParquetRowWriter},
 * typed from {@code types}, row groups bounded by the worker setting {@code parquetBufferBytes});
 * the output's {@code .csv} becomes {@code .jsonl} or {@code .parquet}. <b>Partitioned output</b>
 * ({@code partitionBy}): Hive-style {@code col=value/part-<n>.<ext>} files, one artifact each, at
 * most {@code maxOpenPartitions} open at once ({@link PartitionedRowWriter}).
 *
 * <p>Bad input (the stage fails, leaving no file): an empty file, duplicate header names, an
 * unknown column in any option, an expression that does not compile, a bad type or option value,
 * malformed CSV (an unbalanced quote), a NUL character (binary or UTF-16 text), a record over
 * {@code maxCsvFieldBytes}, undecodable text, too many rejects; each names the file and line where
 * there is one. Metrics satisfy {@code rowsIn == rowsOut + rowsFiltered + rowsRejected}; heartbeats
 * carry rows read. Thread-safe and stateless.
 */
public final class TransformCsvStage implements Stage {
  public static final String TYPE = "transform-csv";
  private static final Logger LOG = LoggerFactory.getLogger("dev.locality.stage." + TYPE);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Selects, renames, types, trims, filters (CEL), derives (CEL) and dedupes the columns"
        + " and rows of CSV files";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return TransformCsvOptions.ALL;
  }

  /** Compressed inputs are inflated while they are read ({@link InlineDecompression}). */
  @Override
  public boolean readsCompressedInput() {
    return true;
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return TransformCsvOptions.SETTINGS;
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    TransformCsvConfig.read(config, problems);
    return problems;
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    TransformCsvConfig settings = TransformCsvConfig.read(input.config());
    int memoryKeys = (int) (long) context.setting(TransformCsvOptions.DEDUPE_MEMORY_KEYS);
    long maxRecordBytes = context.setting(TransformCsvOptions.MAX_CSV_FIELD_BYTES);
    context.heartbeat(Progress.rows(0));
    InlineDecompression inflate = InlineDecompression.from(context, TYPE);
    CsvFileTransform transform =
        new CsvFileTransform(
            settings,
            memoryKeys,
            maxRecordBytes,
            context::progressRows,
            LOG,
            context::createOutput,
            CsvFileTransform.InputOpener.inflating(inflate));
    transform.parquetBufferBytes(context.setting(TransformCsvOptions.MAX_PARQUET_BUFFER_BYTES));
    transform.maxOpenPartitions(
        (int) (long) context.setting(TransformCsvOptions.MAX_OPEN_PARTITIONS));
    List<Artifact> data = input.artifacts();
    List<String> names = new ArrayList<>(ArtifactNames.relativeToCommonParent(data));
    for (int i = 0; i < names.size(); i++) {
      // named as decompress names its output: sales.csv.gz gives sales.csv
      if (InlineDecompression.compression(context.resolve(data.get(i))) != null)
        names.set(i, InlineDecompression.decompressedName(names.get(i)));
    }
    OutputMode mode = settings.output().mode();
    String extension = settings.output().format().extension;
    List<Artifact> outputs = new ArrayList<>();
    long bytesIn = 0;
    if (mode.merge() && !data.isEmpty()) {
      OutputNames.Planned p =
          OutputNames.plan(List.of(mode.mergedName()), extension, settings.compression().suffix)
              .get(0);
      List<Path> sources = new ArrayList<>();
      List<String> inputNames = new ArrayList<>();
      List<String> relative = ArtifactNames.relativeToCommonParent(data);
      for (int i = 0; i < data.size(); i++) {
        Path source = context.resolve(data.get(i));
        sources.add(source);
        inputNames.add(relative.get(i));
        bytesIn += Files.size(source);
      }
      Path output =
          settings.partitionBy() == null
              ? inside(context, p.output(), mode.mergedName())
              : context.outputDir().resolve(partFileName(0, settings));
      CsvFileTransform.FileResult result =
          transform.transform(
              sources,
              inputNames,
              output,
              inside(context, p.rejects(), mode.mergedName()),
              inside(context, p.scratch(), mode.mergedName()));
      addOutputs(context, result, outputs);
      names = List.of(); // every input is read
    }
    OutputNames planned = OutputNames.plan(names, extension, settings.compression().suffix);
    for (int i = 0; i < names.size(); i++) {
      Artifact artifact = data.get(i);
      Path source = context.resolve(artifact);
      bytesIn += Files.size(source);
      OutputNames.Planned p = planned.get(i);
      Path output =
          settings.partitionBy() == null
              ? inside(context, p.output(), names.get(i))
              : context.outputDir().resolve(partFileName(i, settings));
      CsvFileTransform.FileResult result =
          transform.transform(
              source,
              artifact.fileName(),
              output,
              inside(context, p.rejects(), names.get(i)),
              inside(context, p.scratch(), names.get(i)));
      addOutputs(context, result, outputs);
    }
    transform.checkRejectsAtEnd();
    context.heartbeat(Progress.rows(transform.rowsIn()));
    if (settings.dedupe() != null) {
      LOG.info(
          "rows filtered {} = {} by the filter + {} duplicates",
          transform.rowsFiltered(),
          transform.rowsFiltered() - transform.rowsDeduplicated(),
          transform.rowsDeduplicated());
    }
    return StageResult.of(
        outputs,
        new StageMetrics(
            bytesIn,
            transform.bytesOut(),
            transform.rowsIn(),
            transform.rowsOut(),
            transform.rowsFiltered(),
            transform.rowsRejected()));
  }

  /**
   * The file name of input {@code index}'s part of every partition: {@code part-00000.csv} (the
   * format's extension, else {@code .csv}, plus the compression suffix).
   */
  static String partFileName(int index, TransformCsvConfig settings) {
    String extension = settings.output().format().extension;
    return String.format(java.util.Locale.ROOT, "part-%05d", index)
        + (extension == null ? ".csv" : extension)
        + settings.compression().suffix;
  }

  private static void addOutputs(
      StageContext context, CsvFileTransform.FileResult result, List<Artifact> outputs)
      throws java.io.IOException {
    for (PartitionedRowWriter.Written w : result.outputs()) {
      outputs.add(context.artifact(w.file(), w.rows()));
    }
    if (result.rejects() != null) {
      outputs.add(
          context.artifact(result.rejects(), result.rowsRejected()).withKind(Artifact.REJECTS));
    }
  }

  private static Path inside(StageContext context, String name, String input) {
    return SafePaths.resolveInside(context.outputDir(), name, "the inputs (" + input + ")");
  }
}
