package dev.locality.activities.stages;

import dev.locality.activities.stages.internal.ArtifactNames;
import dev.locality.activities.stages.internal.Options;
import dev.locality.activities.stages.internal.OutputCleanup;
import dev.locality.activities.stages.internal.ProgressReporter;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.api.spec.Problem;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.OptionSpec;
import dev.locality.api.stage.OptionType;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageContext;
import dev.locality.api.stage.StageInput;
import dev.locality.api.stage.StageMetrics;
import dev.locality.api.stage.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stage {@code transform-csv}: keeps, orders and renames columns and filters rows of CSV files with
 * a CEL expression, streaming row by row.
 *
 * <pre>{@code
 * - type: transform-csv
 *   select: [region, amount, day]
 *   rename: {day: date}
 *   filter: region == "EU" && double(amount) > 10.0
 *   delimiter: ","
 *   maxRejects: 1000
 * }</pre>
 *
 * <p>Input: UTF-8 CSV files whose first row is the header. Each input gives one output of the same
 * name (relative to the inputs' common directory), written with RFC 4180 quoting, comma-separated,
 * with {@code \n} line ends. The filter sees every column of the row (selected or not, so rows can
 * be filtered on a column that is dropped), each as a CEL {@code string} variable named after the
 * column, renamed where {@code rename} renames it; it must return a bool. It is compiled once the
 * header is known; validation checks its syntax and types beforehand.
 *
 * <p>Rejects: a row with a different number of fields than the header, or whose filter fails to
 * evaluate (for example {@code double('abc')}), goes to {@code <name>.rejects.csv} in the output
 * directory (columns {@code line,reason,raw}), handed on as a {@code rejects} artifact so that
 * {@code upload} publishes it next to the output. Artifacts that are not data pass through
 * unchanged. More than {@code maxRejects} rejects in the stage is bad input naming the first bad
 * lines. Also bad input: an empty file, an unknown column in {@code select} or {@code rename}, a
 * filter that does not compile, malformed CSV (an unbalanced quote) and invalid UTF-8, each naming
 * the file and line. Metrics satisfy {@code rowsIn == rowsOut + rowsFiltered + rowsRejected};
 * heartbeats carry rows read. Thread-safe and stateless.
 */
public final class TransformCsvStage implements Stage {
  public static final String TYPE = "transform-csv";

  public static final OptionSpec<List<String>> SELECT =
      OptionSpec.builder("select", OptionType.STRING_LIST)
          .description("Columns to keep, in output order; default all columns in input order")
          .validator(list -> list.isEmpty() ? "select at least one column" : null)
          .build();

  public static final OptionSpec<Map<String, String>> RENAME =
      OptionSpec.builder("rename", OptionType.STRING_MAP)
          .description("Columns to rename, old name to new name; applied after select")
          .defaultValue(Map.of())
          .build();

  public static final OptionSpec<String> FILTER =
      OptionSpec.builder("filter", OptionType.STRING)
          .description(
              "CEL expression returning bool over the row's columns, each a string variable"
                  + " named after the column (renamed where renamed, selected or not); rows where"
                  + " it is false are dropped")
          .build();

  public static final OptionSpec<String> DELIMITER =
      OptionSpec.builder("delimiter", OptionType.STRING)
          .description("Field delimiter of the input files (one character); output uses ','")
          .defaultValue(",")
          .validator(
              d ->
                  d.length() != 1 || d.equals("\"") || d.equals("\n") || d.equals("\r")
                      ? "expected one character other than a quote or line break, got '" + d + "'"
                      : null)
          .build();

  public static final OptionSpec<Long> MAX_REJECTS =
      OptionSpec.builder("maxRejects", OptionType.INTEGER)
          .description(
              "How many malformed rows (wrong field count, filter error) the stage tolerates;"
                  + " they are written to <name>.rejects.csv; one more fails the stage")
          .defaultValue(1000L)
          .validator(n -> n < 0 ? "must be 0 or more" : null)
          .build();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Selects, renames and filters (CEL) the columns and rows of CSV files";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(SELECT, RENAME, FILTER, DELIMITER, MAX_REJECTS);
  }

  @Override
  public List<Problem> validate(StageConfig config) {
    List<Problem> problems = new ArrayList<>();
    List<String> select = config.get(SELECT);
    Map<String, String> rename = config.get(RENAME);
    ColumnPlan.problems(select, rename)
        .forEach((key, message) -> problems.add(Problem.stage(-1, TYPE, key, message)));
    String filter = config.get(FILTER);
    if (filter != null) {
      String problem = CelRowFilter.earlyProblem(filter);
      if (problem != null) problems.add(Problem.stage(-1, TYPE, FILTER.name(), problem));
    }
    return problems;
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    StageConfig config = input.config();
    CsvFileTransform.Settings settings =
        new CsvFileTransform.Settings(
            Options.read(config, SELECT),
            Options.read(config, RENAME),
            Options.read(config, FILTER),
            Options.read(config, DELIMITER).charAt(0),
            Options.read(config, MAX_REJECTS),
            CelRowFilter.USE_PLANNER);
    try {
      ProgressReporter progress = ProgressReporter.rows(context);
      progress.reportNow(0);
      CsvFileTransform transform = new CsvFileTransform(settings, progress);
      List<Artifact> data = input.artifacts().stream().filter(Artifact::isData).toList();
      List<String> names = ArtifactNames.relativeToCommonParent(data);
      List<Artifact> outputs = new ArrayList<>();
      long bytesIn = 0;
      for (int i = 0; i < names.size(); i++) {
        Artifact artifact = data.get(i);
        Path source = context.resolve(artifact);
        bytesIn += Files.size(source);
        Path target = SafePaths.resolveInside(context.outputDir(), names.get(i), "the inputs");
        CsvFileTransform.FileResult result =
            transform.transform(source, artifact.fileName(), target);
        outputs.add(context.artifact(result.output(), result.rowsOut()));
        if (result.rejects() != null) {
          outputs.add(
              context.artifact(result.rejects(), result.rowsRejected()).withKind(Artifact.REJECTS));
        }
      }
      input.artifacts().stream().filter(a -> !a.isData()).forEach(outputs::add);
      progress.reportNow(transform.rowsIn());
      return StageResult.of(
          outputs,
          new StageMetrics(
              bytesIn,
              transform.bytesOut(),
              transform.rowsIn(),
              transform.rowsOut(),
              transform.rowsFiltered(),
              transform.rowsRejected()));
    } catch (Throwable t) {
      OutputCleanup.deleteContents(context.outputDir(), t);
      throw t;
    }
  }
}
