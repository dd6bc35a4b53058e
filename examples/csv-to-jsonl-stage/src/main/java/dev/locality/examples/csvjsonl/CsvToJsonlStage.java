package dev.locality.examples.csvjsonl;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code csv-to-jsonl}: converts CSV files with a header row into JSON Lines, one object per row
 * with the header's names as keys. An example of a third-party stage plugin.
 *
 * <p>Every data artifact is converted to {@code <name>.jsonl} in the stage's output directory (the
 * {@code .csv} suffix is dropped); the framework passes other artifacts (rejects) through
 * unchanged. Streams: memory holds one row. Heartbeats every {@value #HEARTBEAT_ROWS} rows with the
 * rows done so far. Malformed CSV (an unclosed quote, a row with more or fewer fields than the
 * header, a header with an empty or repeated name, input that is not UTF-8) is {@link
 * BadInputException} naming the file and line; the framework deletes whatever the failed attempt
 * wrote. Thread-safe and stateless; idempotent under retry (it writes only its output directory).
 *
 * <pre>{@code
 * - type: csv-to-jsonl
 *   delimiter: ";"
 *   numbers: true
 * }</pre>
 */
public final class CsvToJsonlStage implements Stage {
  public static final String TYPE = "csv-to-jsonl";

  static final int HEARTBEAT_ROWS = 1000;

  static final OptionSpec<String> DELIMITER =
      OptionSpec.builder("delimiter", OptionType.STRING)
          .description("Field separator: one character, e.g. ',' ';' or a tab")
          .defaultValue(",")
          .validator(v -> v.length() == 1 ? null : "must be exactly one character, got '" + v + "'")
          .build();

  static final OptionSpec<Boolean> NUMBERS =
      OptionSpec.builder("numbers", OptionType.BOOLEAN)
          .description("Write values spelled like JSON numbers (12, -3.5, 1e6) as numbers")
          .defaultValue(false)
          .build();

  static final OptionSpec<Boolean> EMPTY_AS_NULL =
      OptionSpec.builder("emptyAsNull", OptionType.BOOLEAN)
          .description("Write empty values as null instead of \"\"")
          .defaultValue(false)
          .build();

  /**
   * Worker setting: the longest CSV record accepted. Ops set it on the worker ({@code --setting
   * csvToJsonlMaxRecordChars=4m}); the worker checks the value when it starts.
   */
  static final SettingSpec<Long> MAX_RECORD_CHARS =
      SettingSpec.builder("csvToJsonlMaxRecordChars", OptionType.SIZE)
          .description(
              "csv-to-jsonl: the longest CSV record, in characters (k, m suffixes); a longer one"
                  + " is bad input")
          .defaultValue(1L << 20)
          .defaultText("1m")
          .validator(n -> n < 16 ? "must be at least 16 characters" : null)
          .build();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return List.of(MAX_RECORD_CHARS);
  }

  @Override
  public String description() {
    return "Converts CSV files with a header row to JSON Lines, one object per row.";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(DELIMITER, NUMBERS, EMPTY_AS_NULL);
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    char delimiter = config.get(DELIMITER).charAt(0);
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
      return List.of(new OptionProblem(DELIMITER.name(), "cannot be a quote or a line break"));
    return List.of();
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    StageConfig config = input.config();
    Conversion conversion =
        new Conversion(
            config.get(DELIMITER).charAt(0),
            config.get(NUMBERS),
            config.get(EMPTY_AS_NULL),
            context.setting(MAX_RECORD_CHARS));
    List<Artifact> outputs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long bytesIn = 0;
    long bytesOut = 0;
    long rows = 0;
    for (Artifact artifact : input.artifacts()) { // data only: the framework passes rejects on
      Path source = context.resolve(artifact);
      Path target = context.outputDir().resolve(uniqueName(outputName(artifact.fileName()), names));
      long converted = conversion.convert(source, target, artifact.fileName(), rows, context);
      rows += converted;
      bytesIn += Files.size(source);
      Artifact output = context.artifact(target, converted);
      bytesOut += output.bytes();
      outputs.add(output);
    }
    context.heartbeat(Progress.rows(rows));
    return StageResult.of(outputs, new StageMetrics(bytesIn, bytesOut, rows, rows, 0, 0));
  }

  static String outputName(String fileName) {
    String base =
        fileName.toLowerCase().endsWith(".csv")
            ? fileName.substring(0, fileName.length() - 4)
            : fileName;
    return base + ".jsonl";
  }

  private static String uniqueName(String name, Set<String> taken) {
    String candidate = name;
    for (int i = 2; !taken.add(candidate); i++) candidate = i + "-" + name;
    return candidate;
  }

  /** One file's conversion with the stage's options. */
  private record Conversion(
      char delimiter, boolean numbers, boolean emptyAsNull, long maxRecordChars) {
    /** Converts {@code source} into {@code target}; returns the rows written. */
    long convert(Path source, Path target, String name, long rowsBefore, StageContext context)
        throws IOException {
      var decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      try (CsvRecordReader reader =
              new CsvRecordReader(
                  new InputStreamReader(Files.newInputStream(source), decoder),
                  delimiter,
                  name,
                  maxRecordChars);
          Writer out =
              new BufferedWriter(
                  new OutputStreamWriter(context.createOutput(target), StandardCharsets.UTF_8))) {
        List<String> header = reader.next();
        if (header == null) throw new BadInputException(name + " is empty: no header row");
        checkHeader(header, name);
        JsonLine line = new JsonLine(header, numbers, emptyAsNull);
        long rows = 0;
        for (List<String> record = reader.next(); record != null; record = reader.next()) {
          if (record.size() == 1 && record.get(0).isEmpty()) continue; // a blank line
          if (record.size() != header.size())
            throw new BadInputException(
                "malformed CSV in "
                    + name
                    + ": the row on line "
                    + reader.recordLine()
                    + " has "
                    + record.size()
                    + " fields, the header has "
                    + header.size());
          line.write(record, out);
          if (++rows % HEARTBEAT_ROWS == 0) context.heartbeat(Progress.rows(rowsBefore + rows));
        }
        return rows;
      } catch (CharacterCodingException e) {
        throw new BadInputException(name + " is not UTF-8 text", e);
      }
    }

    private static void checkHeader(List<String> header, String name) {
      if (!header.isEmpty() && header.get(0).startsWith("\uFEFF"))
        header.set(0, header.get(0).substring(1)); // a byte order mark
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < header.size(); i++) {
        String column = header.get(i);
        if (column.isBlank())
          throw new BadInputException(
              "malformed CSV in " + name + ": header column " + (i + 1) + " has no name");
        if (!seen.add(column))
          throw new BadInputException(
              "malformed CSV in " + name + ": header column '" + column + "' appears twice");
      }
    }
  }
}
