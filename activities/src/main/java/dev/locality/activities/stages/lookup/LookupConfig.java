package dev.locality.activities.stages.lookup;

import dev.locality.activities.stages.csv.TransformCsvOptions;
import dev.locality.activities.stages.download.DownloadStage.FetchInto;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.StageConfig;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;

/**
 * The options of one {@code lookup} stage, read and cross-checked: the same checks at spec
 * validation ({@link #problems}) and at run time ({@link #read}, bad input). Immutable.
 */
record LookupConfig(
    String table,
    TableFormat format,
    JoinColumns on,
    List<String> add,
    boolean rejectMissing,
    String sha256,
    char delimiter,
    Charset encoding) {

  /** The dialect of the rows read and written: RFC 4180 with the configured delimiter. */
  CSVFormat csvFormat() {
    return CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setRecordSeparator("\n").get();
  }

  /**
   * Every problem of the options beyond each option's own checks.
   *
   * @return empty when {@link #read} succeeds
   */
  static List<OptionProblem> problems(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    read(config, problems);
    return problems;
  }

  /**
   * @throws BadInputException listing every problem
   */
  static LookupConfig read(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    LookupConfig read = read(config, problems);
    if (!problems.isEmpty())
      throw new BadInputException(
          String.join(
              "; ",
              problems.stream().map(p -> "option '" + p.key() + "': " + p.message()).toList()));
    return read;
  }

  private static LookupConfig read(StageConfig config, List<OptionProblem> problems) {
    String table = get(config, LookupOptions.TABLE, problems);
    TableFormat format = null;
    if (table != null) {
      try {
        FetchInto.checkUrl(table);
        String formatOption = get(config, LookupOptions.FORMAT, problems);
        if (formatOption != null) format = TableFormat.of(formatOption, FetchInto.fileName(table));
      } catch (IllegalArgumentException e) {
        problems.add(new OptionProblem(LookupOptions.TABLE.name(), e.getMessage()));
      }
    }
    JoinColumns on = get(config, LookupOptions.ON, problems);
    List<String> add = get(config, LookupOptions.ADD, problems);
    if (on != null && add != null && add.contains(on.input()))
      problems.add(
          new OptionProblem(
              LookupOptions.ADD.name(),
              "'" + on.input() + "' is the join column of the rows: they have it already"));
    String missing = get(config, LookupOptions.MISSING, problems);
    String sha256 = get(config, LookupOptions.SHA256, problems);
    String delimiter = get(config, TransformCsvOptions.DELIMITER, problems);
    String encodingName = get(config, TransformCsvOptions.ENCODING, problems);
    Charset encoding = null;
    if (encodingName != null) {
      try {
        encoding = Charset.forName(encodingName);
      } catch (IllegalArgumentException e) {
        problems.add(
            new OptionProblem(
                TransformCsvOptions.ENCODING.name(),
                "unknown or unsupported encoding '" + encodingName + "'"));
      }
    }
    if (!problems.isEmpty()) return null;
    return new LookupConfig(
        table,
        format,
        on,
        List.copyOf(add),
        "reject".equals(missing),
        sha256 == null ? null : sha256.toLowerCase(Locale.ROOT),
        delimiter.charAt(0),
        encoding);
  }

  private static <T> T get(StageConfig config, OptionSpec<T> option, List<OptionProblem> problems) {
    try {
      return config.get(option);
    } catch (IllegalArgumentException e) {
      problems.add(new OptionProblem(option.name(), e.getMessage()));
      return null;
    }
  }
}
